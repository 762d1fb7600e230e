import type { z } from 'zod';
import { loggerConfigSchema } from '../../src/config/schema';
import { describeIssues } from '../../src/core/config/describeIssues';
import { configWith, defOf, pathOf, problems, schemaKeys, unwrap, type SchemaKey } from '../support/config-schema';

/** zod's own wording, which names neither the value nor what is allowed in words. */
const ZOD_WORDING = /Invalid input|Invalid option|Invalid discriminator|Unrecognized key|expected \w+, received|Too (small|big)|is not a record|is not allowed: /;

type Kind = 'string' | 'number' | 'boolean' | 'array' | 'object';

/** The kinds of JSON value a key's schema takes, or undefined when a check of its own decides (z.custom). */
function kinds(schema: z.ZodType): Set<Kind> | undefined {
  const def = defOf(schema);
  const meta = unwrap(schema).meta() as { unit?: string; bareNumber?: string } | undefined;
  if (meta?.unit !== undefined) return new Set<Kind>(meta.bareNumber === 'deprecated' ? ['string', 'number'] : ['string']);
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
      return new Set([def.type]);
    case 'enum':
      return new Set(Object.values(def.entries ?? {}).map((v) => typeof v as Kind));
    case 'literal':
      return new Set((def.values ?? []).map((v) => typeof v as Kind));
    case 'array':
      return new Set(['array']);
    case 'object':
    case 'record':
      return new Set(['object']);
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
      return kinds(def.innerType!);
    case 'pipe':
      return kinds(def.in!);
    case 'union': {
      const all = new Set<Kind>();
      for (const option of def.options ?? []) {
        const k = kinds(option);
        if (k === undefined) return undefined;
        for (const kind of k) all.add(kind);
      }
      return all;
    }
    default:
      return undefined;
  }
}

/** A value of a type the key does not take; for a check of its own, an array, which none of them takes. */
function wrongValue(k: SchemaKey): unknown {
  const taken = kinds(k.schema);
  if (taken === undefined) return ['wrong'];
  const candidates: [Kind, unknown][] = [
    ['number', 12345],
    ['string', 'wrong'],
    ['boolean', true],
    ['array', ['wrong']],
    ['object', { wrong: 1 }],
  ];
  const found = candidates.find(([kind]) => !taken.has(kind));
  if (!found) throw new Error(`${pathOf(k)} takes every kind of value`);
  return found[1];
}

const KEYS = schemaKeys(loggerConfigSchema);

describe('every configuration key, given a value of the wrong type', () => {
  it('the walk reaches the root, every transport and every integration', () => {
    const paths = new Set(KEYS.map((k) => pathOf(k)));
    for (const p of ['name', 'redact', 'redact.paths', 'transports[0].pretty', 'transports[0].rotate.maxFiles', 'transports[0].tls.caFile', 'transports[0].relp.window', 'transports[0].headers', 'transports[0].spool.dir', 'shutdown.signals', 'watchdog.diskFree.path', 'fatal.marker', 'limits.maxKeys']) {
      expect(paths).toContain(p);
    }
    expect(KEYS.length).toBeGreaterThan(100);
  });

  it.each(KEYS.map((k) => [pathOf(k), k] as const))('%s: the message names the key, the value and what is allowed, in words', (path, k) => {
    const value = wrongValue(k);
    const found = problems(configWith(k, { [k.key]: value }));
    const line = found.find((p) => p.startsWith(`${path}: `));
    expect({ found, line }).toEqual({ found, line: expect.any(String) });
    expect(line).toContain(JSON.stringify(value));
    // What is allowed: "expected ...", or a check's own words ("is not a duration like \"5s\"", "is not true, false or an object").
    expect(line).toMatch(/expected |like |one of |is not (a|an|true)\b/);
    for (const p of found) expect(p).not.toMatch(ZOD_WORDING);
  });
});

describe('the messages, word for word', () => {
  it.each([
    [{ transports: [{ type: 'console', pretty: 'yes' }] }, 'transports[0].pretty: "yes" is a string; expected true, false or "auto"'],
    [{ redact: 'password' }, 'redact: "password" is a string; expected an array of paths like ["user.email"] or an object like { paths, censor, defaults }'],
    [{ redact: { paths: 'password' } }, 'redact.paths: "password" is a string; expected an array of paths like ["user.email"]'],
    [{ capture: 'yes' }, 'capture: "yes" is a string; expected true or false'],
    [{ level: 3 }, 'level: 3 is a number; expected one of debug, info, warn, error, fatal, silent'],
    [{ level: 'verbose' }, 'level: "verbose" is not one of debug, info, warn, error, fatal, silent'],
    [{ limits: 5 }, 'limits: 5 is a number; expected an object like { maxDepth, maxStringLength, maxArrayLength, maxKeys }'],
    [{ limits: { maxDepth: 1.5 } }, 'limits.maxDepth: 1.5 is not a whole number; expected an integer'],
    [{ limits: { maxDepth: 0 } }, 'limits.maxDepth: 0 is too small: the minimum is 1'],
    [{ name: '' }, 'name: "" is empty; expected at least one character'],
    [{ name: null }, 'name: is null; expected a string'],
    [{ fatal: { marker: true } }, 'fatal.marker: true is a boolean; expected false or a string'],
    [{ transports: [5] }, 'transports[0]: 5 is a number; expected an object like { "type": "console" } (type console, file, custom, syslog or http)'],
    [{ transports: [{}] }, 'transports[0].type: is required: expected one of console, file, custom, syslog, http'],
    [{ transports: [{ type: 'file' }] }, 'transports[0].path: is required: expected a string'],
    [{ transports: [{ type: 'console', format: 'bunyan' }] }, 'transports[0].format: "bunyan" is not one of prodlog, pino, ecs, gcp'],
    [
      { transports: [{ type: 'console', pretty: true, format: 'gcp' }] },
      'transports[0].format: "gcp" applies to JSON output, and pretty: true writes none: use pretty: false, or "auto" (pretty on a terminal, this format elsewhere)',
    ],
    [{ transports: [{ type: 'console', format: 'pino', gcp: { projectId: 'shop-prod' } }] }, 'transports[0].gcp: {"projectId":"shop-prod"} is set but format is "pino": these options apply to format "gcp" only'],
    [{ transports: [{ type: 'console', format: 'gcp', gcp: { projectId: 'projects/shop' } }] }, 'transports[0].gcp.projectId: "projects/shop" is not a Google Cloud project id like "my-project"'],
    [{ shutdown: { signals: [] } }, 'shutdown.signals: [] is empty; expected at least one item'],
    [{ trasnports: [] }, '(root): unknown key "trasnports"; allowed keys: name, level, levels, replayOnError, transports, redact, capture, fatal, limits, sampling, startup, shutdown, warnings, watchdog, trace, levelSignal, closeTimeout'],
  ])('%j', (input, message) => {
    expect(problems(input)).toEqual([message]);
  });

  it('a long value is shortened and a URL loses its password', () => {
    const [line] = problems({ transports: [{ type: 'http', url: 'http://user:hunter2@logs.internal/x', format: 'ndjson', headers: ['x'.repeat(200)] }] });
    expect(line).toMatch(/^transports\[0\]\.headers: \["x{70,}\.\.\. is an array; expected an object$/);
    expect(problems({ name: 'http://user:hunter2@logs.internal/' })).toEqual([]);
    expect(problems({ transports: [{ type: 'http', url: 'http://user:hunter2@logs.internal/x', format: 5 }] })).toEqual(['transports[0].format: 5 is a number; expected one of ndjson, otlp, loki, elasticsearch']);
    expect(problems({ fatal: { marker: 'http://u:hunter2@h/', exitCode: 'http://u:hunter2@h/' } }).join('\n')).not.toContain('hunter2');
  });

  it('issue kinds zod reports elsewhere are worded too', () => {
    const at = ['k'];
    const words = describeIssues(
      [
        { code: 'invalid_format', format: 'url', path: at, message: 'Invalid URL' },
        { code: 'not_multiple_of', divisor: 4, path: at, message: 'Invalid number' },
        { code: 'unrecognized_keys', keys: ['a'], path: [], message: 'Unrecognized key: "a"' },
        { code: 'custom', path: at, message: 'Invalid input' },
        { code: 'too_big', origin: 'string', maximum: 2, inclusive: true, path: at, message: 'Too big' },
        { code: 'too_small', origin: 'number', minimum: 0, inclusive: false, path: at, message: 'Too small' },
      ] as z.core.$ZodIssue[],
      { k: 'abc' },
    );
    expect(words).toEqual([
      'k: "abc" is not a URL',
      'k: "abc" is not a multiple of 4',
      '(root): unknown key "a"',
      'k: "abc" is not allowed here',
      'k: "abc" is 3 characters long; expected at most 2 characters',
      'k: "abc" is too small: it must be above 0',
    ]);
  });
});
