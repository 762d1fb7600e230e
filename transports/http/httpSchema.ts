import { z } from 'zod';
import { levelSettingSchema, recordWithKeys, strictOptions } from '../../src/core/config/schemaHelpers';
import { retryOptionsSchema, shippingOptionsShape, sizeSchema } from '../shipping/shippingSchema';
import { checkIndexPattern, DEFAULT_INDEX_PATTERN } from './formats/indexPattern';
import { DEFAULT_LOKI_LABELS, DEFAULT_MAX_VALUES_PER_LABEL, LABEL_NAME, MAX_LOKI_LABELS, UNBOUNDED_KEYS } from './formats/lokiLabels';
import { FORMAT_NAMES, type FormatName } from './formats/WireFormat';
import { proxyOptionSchema } from './proxy';

/**
 * Defaults of the HTTP shippers; the reasons for each are in docs/design.md,
 * "The HTTP shippers' defaults". batch.maxBytes depends on the store
 * (BATCH_MAX_BYTES) and counts the records as logged, before encoding.
 */
export const HTTP_DEFAULTS = {
  batchMaxRecords: 20_000,
  batchIntervalMs: 1_000,
  timeoutMs: 10_000,
  retryServerErrorMs: 300_000,
  retryAuthErrorMs: 900_000,
  deadLetterMaxBytes: 64 * 1024 * 1024,
} as const;

const MiB = 1024 * 1024;

/**
 * batch.maxBytes per format: as large as each store takes well, with the
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

export const httpSchema = strictOptions({
  type: z.literal('http'),
  level: levelSettingSchema.optional(),
  url: z.url({ protocol: /^https?$/, error: 'is not an http:// or https:// URL' }),
  format: z.enum(FORMAT_NAMES),
  headers: recordWithKeys(headerValue, headerNameProblem).default({}),
  compress: z.literal('gzip').optional(),
  /** A proxy URL that overrides HTTPS_PROXY, HTTP_PROXY and NO_PROXY; false sends directly. */
  proxy: proxyOptionSchema,
  /** The bound on one request: connect, send, answer. */
  timeoutMs: z.int().min(100).max(600_000).default(HTTP_DEFAULTS.timeoutMs),
  loki: lokiSchema.optional(),
  elasticsearch: elasticsearchSchema.optional(),
  /** Where refused records go; defaults to a file next to the spool folder. */
  deadLetter: strictOptions({
    path: z.string().min(1).optional(),
    maxBytes: sizeSchema.default(HTTP_DEFAULTS.deadLetterMaxBytes),
  }).prefault({}),
  ...shippingOptionsShape,
  retry: retryOptionsSchema
    .extend({
      /** How long a batch answered with 500 (or another failing 5xx) is retried before it is dead-lettered. */
      serverErrorMs: z.int().min(0).max(86_400_000).default(HTTP_DEFAULTS.retryServerErrorMs),
      /** How long a batch answered with 401, 403 or 407 is retried before it is dead-lettered. */
      authErrorMs: z.int().min(0).max(86_400_000).default(HTTP_DEFAULTS.retryAuthErrorMs),
    })
    .prefault({}),
  batch: strictOptions({
    maxRecords: z.int().min(1).max(100_000).default(HTTP_DEFAULTS.batchMaxRecords),
    /** Defaults per format: BATCH_MAX_BYTES. */
    maxBytes: sizeSchema.optional(),
    /** A batch that is not full waits until this long after the previous request; 0 sends at once. */
    intervalMs: z.int().min(0).max(600_000).default(HTTP_DEFAULTS.batchIntervalMs),
  }).prefault({}),
}).superRefine((o, ctx) => {
  for (const key of ['loki', 'elasticsearch'] as const) {
    if (o[key] !== undefined && o.format !== key) {
      ctx.addIssue({ code: 'custom', path: [key], message: `is set but format is "${o.format}": these options apply to format "${key}" only` });
    }
  }
  const labelCount = Object.keys(o.loki?.labels ?? {}).length + Object.keys(o.loki?.staticLabels ?? {}).length;
  if (labelCount > MAX_LOKI_LABELS) {
    ctx.addIssue({ code: 'custom', path: ['loki', 'labels'], message: `has ${labelCount} labels with staticLabels; Loki allows at most ${MAX_LOKI_LABELS} per stream` });
  }
});

export type HttpOptions = z.output<typeof httpSchema>;
