import { z } from 'zod';
import { levelSettingSchema, recordWithKeys, strictOptions } from '../../src/core/config/schemaHelpers';
import { unitOptions } from '../../src/core/config/unitOptions';
import { batchInterval, batchMaxRecords, CLOSE_TIMEOUT, RETRY_DURATIONS, shippingOptionsShape } from '../shipping/shippingSchema';
import { checkIndexPattern, DEFAULT_INDEX_PATTERN } from './formats/indexPattern';
import { DEFAULT_LOKI_LABELS, DEFAULT_MAX_VALUES_PER_LABEL, LABEL_NAME, MAX_LOKI_LABELS, UNBOUNDED_KEYS } from './formats/lokiLabels';
import { rawFieldProblem } from './formats/ndjsonFormat';
import { FORMAT_NAMES, type FormatName } from './formats/WireFormat';
import { proxyOptionSchema } from './proxy';

const MiB = 1024 * 1024;

/**
 * The defaults of the HTTP shippers are stated in this schema only; the
 * reasons for each are in docs/design.md, "The HTTP shippers' defaults".
 *
 * batch.maxBytes per format, filled in by the schema when not given; it counts
 * the records as logged, before encoding: as large as each store takes well, with the
 * encoded body under the receivers' limits (docs/design.md, "The HTTP
 * shippers' defaults").
 */
export const BATCH_MAX_BYTES: Readonly<Record<FormatName, number>> = { ndjson: 3 * MiB, elasticsearch: 2 * MiB, otlp: MiB, loki: MiB };

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the transport sets from the body itself. */
const OWN_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'host']);

// A CR or LF would make every request fail at send time, forever; refuse it at startup.
const headerValue = z.string().regex(/^[^\r\n\0]*$/, 'contains a line break or NUL, which HTTP header values cannot hold');

function headerNameProblem(name: string): string | undefined {
  if (!HEADER_NAME.test(name)) return 'is under a key that is not an HTTP header name';
  if (OWN_HEADERS.has(name.toLowerCase())) return 'is under a header the transport sets itself (content-length, content-encoding, transfer-encoding, host)';
  return undefined;
}

function labelNameProblem(name: string): string | undefined {
  if (!LABEL_NAME.test(name)) return 'is under a key that is not a Loki label name (letters, digits and _, not starting with a digit)';
  if (name.startsWith('__')) return 'is under a label name starting with __, which Loki reserves';
  return undefined;
}

const lokiSchema = strictOptions({
  /** Label name to the record key it is taken from. */
  labels: recordWithKeys(
    z.string().min(1).refine((key) => !UNBOUNDED_KEYS.has(key), `is unbounded (one stream per value); not one of ${[...UNBOUNDED_KEYS].join(', ')}`),
    labelNameProblem,
  ).default({ ...DEFAULT_LOKI_LABELS }),
  staticLabels: recordWithKeys(z.string().min(1), labelNameProblem).default({}),
  maxValuesPerLabel: z.int().min(1).max(10_000).default(DEFAULT_MAX_VALUES_PER_LABEL),
});

const elasticsearchSchema = strictOptions({
  /** `%{service}` and `%{+yyyy.MM.dd}` are filled per record. */
  index: z
    .string()
    .min(1)
    .superRefine((pattern, ctx) => {
      const problem = checkIndexPattern(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: `is not a usable index pattern: ${problem}` });
    })
    .default(DEFAULT_INDEX_PATTERN),
});

const ndjsonSchema = strictOptions({
  /** Adds the record as logged as one string under this key; unset adds nothing. */
  rawField: z
    .string()
    .superRefine((name, ctx) => {
      const problem = rawFieldProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});

/** The loki, elasticsearch and ndjson options of a transport that does not set them. */
export const LOKI_DEFAULTS = lokiSchema.parse({});
export const ELASTICSEARCH_DEFAULTS = elasticsearchSchema.parse({});
export const NDJSON_DEFAULTS = ndjsonSchema.parse({});

export const httpSchema = unitOptions({
  type: z.literal('http'),
  level: levelSettingSchema.optional(),
  url: z.url({ protocol: /^https?$/, error: 'is not an http:// or https:// URL' }),
  format: z.enum(FORMAT_NAMES),
  headers: recordWithKeys(headerValue, headerNameProblem).default({}),
  compress: z.literal('gzip').optional(),
  /** A proxy URL that overrides HTTPS_PROXY, HTTP_PROXY and NO_PROXY; false sends directly. */
  proxy: proxyOptionSchema,
  loki: lokiSchema.optional(),
  elasticsearch: elasticsearchSchema.optional(),
  ndjson: ndjsonSchema.optional(),
  /** Where refused records go; defaults to a file next to the spool folder. */
  deadLetter: unitOptions({ path: z.string().min(1).optional() }, { sizes: { maxBytes: { min: 1, default: 64 * 1024 * 1024 } } }).prefault({}),
  ...shippingOptionsShape,
  retry: unitOptions(
    {},
    {
      durations: {
        ...RETRY_DURATIONS,
        /** serverError: how long a batch answered with 500 (or another failing 5xx) is retried before it is dead-lettered. */
        serverError: { min: 0, max: 86_400_000, default: 300_000 },
        /** authError: how long a batch answered with 401, 403 or 407 is retried before it is dead-lettered. */
        authError: { min: 0, max: 86_400_000, default: 900_000 },
      },
    },
  ).prefault({}),
  batch: unitOptions(
    { maxRecords: batchMaxRecords(20_000) },
    /** maxBytes defaults per format: BATCH_MAX_BYTES. */
    { durations: batchInterval(1_000), sizes: { maxBytes: { min: 1 } } },
  ).prefault({}),
}, {
  /** timeout: the bound on one request: connect, send, answer. */
  durations: { timeout: { min: 100, max: 600_000, default: 10_000 }, ...CLOSE_TIMEOUT },
}).superRefine((o, ctx) => {
  for (const key of ['loki', 'elasticsearch', 'ndjson'] as const) {
    if (o[key] !== undefined && o.format !== key) {
      ctx.addIssue({ code: 'custom', path: [key], message: `is set but format is "${o.format}": these options apply to format "${key}" only` });
    }
  }
  const labelCount = Object.keys(o.loki?.labels ?? {}).length + Object.keys(o.loki?.staticLabels ?? {}).length;
  if (labelCount > MAX_LOKI_LABELS) {
    ctx.addIssue({ code: 'custom', path: ['loki', 'labels'], message: `has ${labelCount} labels with staticLabels; Loki allows at most ${MAX_LOKI_LABELS} per stream` });
  }
}).transform((o) => {
  // In place: the parsed objects carry their deprecated spellings (unitOptions), which a copy would leave behind.
  const batch = Object.assign(o.batch, { maxBytes: o.batch.maxBytes ?? BATCH_MAX_BYTES[o.format] });
  return Object.assign(o, { batch });
});

export type HttpOptions = z.output<typeof httpSchema>;
