import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { createLogger, loadConfig, resolveConfig } from '../../src';
import { loggerConfigSchema } from '../../src/config/schema';
import { formatDuration } from '../../src/core/config/parseDuration';
import { formatSizeExactly } from '../../src/core/config/formatSize';
import { DEPRECATED_SPELLINGS_REMOVED_IN, deprecatedSpellings } from '../../src/core/config/unitOptions';
import { logDeprecatedSpellings } from '../../src/integrations/startupRecord';
import { MemoryTransport } from '../../src/testing';
import { configWith, pathOf, problems, schemaKeys, TRANSPORTS, unwrap, type SchemaKey } from '../support/config-schema';
import { memoryLogger } from '../support/memory-logger';

/** A duration or size key found in the schema, with where it sits and its bounds (from the schema's metadata). */
interface UnitKey {
  readonly unit: 'duration' | 'size';
  /** The object holding the key: [] for the root, ["transports", 0, "retry"], ... */
  readonly at: readonly (string | number)[];
  readonly key: string;
  /** The transport the key belongs to, if any: its smallest valid options. */
  readonly transport?: Record<string, unknown>;
  readonly min?: number;
  readonly max?: number;
  readonly default?: number;
  /** Keys that took a bare number before (sizes) or have a `<key>Ms` spelling (durations). */
  readonly deprecated: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'prodlog-units-'));

/** Keys named like a duration or a size that are not read as one: there should be none. */
const UNTAGGED: string[] = [];

/** Every key of the schema whose value has unit metadata; the walk stops at such a key and at a `<key>Ms` spelling. */
function unitKeys(schema: z.ZodType): UnitKey[] {
  const meta = (k: SchemaKey) => unwrap(k.schema).meta() as { unit?: 'duration' | 'size'; min?: number; max?: number; default?: number; bareNumber?: string } | undefined;
  const isOldSpelling = (k: SchemaKey) => k.key.endsWith('Ms') && k.siblings[k.key.slice(0, -2)] !== undefined;
  return schemaKeys(schema, (k) => meta(k)?.unit === undefined && !isOldSpelling(k)).flatMap((k): UnitKey[] => {
    const m = meta(k);
    if (m?.unit === undefined) {
      if (!isOldSpelling(k) && /(Ms|Bytes|Size|Timeout|Interval)$/.test(k.key)) UNTAGGED.push([...k.at, k.key].join('.'));
      return [];
    }
    const deprecated = m.unit === 'size' ? m.bareNumber === 'deprecated' : k.siblings[`${k.key}Ms`] !== undefined;
    return [{ unit: m.unit, at: k.at, key: k.key, ...(k.transport ? { transport: k.transport } : {}), ...bounds(m), deprecated }];
  });
}

function bounds(meta: { min?: number; max?: number; default?: number }): Pick<UnitKey, 'min' | 'max' | 'default'> {
  return { ...(meta.min !== undefined ? { min: meta.min } : {}), ...(meta.max !== undefined ? { max: meta.max } : {}), ...(meta.default !== undefined ? { default: meta.default } : {}) };
}

const valueAt = (config: unknown, at: readonly (string | number)[], key: string): unknown =>
  [...at, key].reduce<unknown>((v, part) => (v as Record<string | number, unknown> | undefined)?.[part], config);

/** A value within the key's bounds: its default, else its least. */
const usable = (k: UnitKey): number => k.default ?? k.min ?? (k.unit === 'size' ? 1024 * 1024 : 1000);
const written = (k: UnitKey, n: number): string => (k.unit === 'duration' ? formatDuration(n) : formatSizeExactly(n));
/** Where the parsed value lands: durations in milliseconds under `<key>Ms`, sizes in bytes under the key. */
const resolvedKey = (k: UnitKey): string => (k.unit === 'duration' && k.deprecated ? `${k.key}Ms` : k.key);

const KEYS = unitKeys(loggerConfigSchema);
const DURATIONS = KEYS.filter((k) => k.unit === 'duration');
const SIZES = KEYS.filter((k) => k.unit === 'size');
const DEPRECATED_MS = DURATIONS.filter((k) => k.deprecated);
const BARE_BYTES = SIZES.filter((k) => k.deprecated);

describe('the schema walk', () => {
  it('finds every duration and size key of every transport and feature', () => {
    expect(DURATIONS.map((k) => pathOf(k)).sort()).toEqual(
      [
        'closeTimeout',
        'fatal.timeout',
        'levelSignal.ttl',
        'sampling.interval',
        'shutdown.timeout',
        'watchdog.interval',
        'watchdog.repeat',
        'watchdog.eventLoopDelay',
        'transports[0].rotate.interval',
        'transports[0].rotate.maxAge',
        ...['syslog', 'http'].flatMap(() => ['transports[0].closeTimeout', 'transports[0].spool.fsyncInterval', 'transports[0].batch.interval', 'transports[0].retry.initial', 'transports[0].retry.max']),
        'transports[0].connectTimeout',
        'transports[0].relp.ackTimeout',
        'transports[0].timeout',
        'transports[0].retry.serverError',
        'transports[0].retry.authError',
      ].sort(),
    );
    expect(SIZES.map((k) => pathOf(k)).sort()).toEqual(
      [
        'watchdog.diskFree.min',
        'transports[0].rotate.size',
        'transports[0].rotate.maxTotalSize',
        ...['syslog', 'http'].flatMap(() => ['transports[0].spool.maxBytes', 'transports[0].batch.maxBytes']),
        'transports[0].maxMessageBytes',
        'transports[0].deadLetter.maxBytes',
      ].sort(),
    );
  });

  it('leaves no key named like a duration or size (…Ms, …Bytes, …Timeout) that takes a bare number', () => {
    expect(UNTAGGED).toEqual([]);
  });
});

describe('durations are strings with a unit everywhere', () => {
  it.each(DURATIONS.map((k) => [pathOf(k), k] as const))('%s takes a string with its unit', (_path, k) => {
    const n = usable(k);
    const config = resolveConfig(configWith(k, { [k.key]: written(k, n) }), 'options', {});
    expect(valueAt(config, k.at, resolvedKey(k))).toBe(n);
    expect(deprecatedSpellings(config)).toEqual([]);
  });

  it.each(DURATIONS.map((k) => [pathOf(k), k] as const))('%s refuses a bare number, naming key, value and what is allowed', (path, k) => {
    const [problem] = problems(configWith(k, { [k.key]: 5000 }));
    expect(problem).toMatch(new RegExp(`^${escape(path)}: 5000 is not a duration`));
  });

  it.each(DEPRECATED_MS.filter((k) => k.min !== undefined && k.min > 0).map((k) => [pathOf(k), k] as const))('%s names its lower bound in the same notation', (path, k) => {
    expect(problems(configWith(k, { [k.key]: '0s' }))).toEqual([`${path}: "0s" is below ${formatDuration(k.min!)}`]);
  });

  it.each(DEPRECATED_MS.map((k) => [pathOf(k), k] as const))('%s names its upper bound in the same notation', (path, k) => {
    const over = `${k.max! + 1}ms`;
    expect(problems(configWith(k, { [k.key]: over }))).toEqual([`${path}: "${over}" is above ${formatDuration(k.max!)}`]);
  });
});

describe('sizes are strings with a unit everywhere', () => {
  it.each(SIZES.map((k) => [pathOf(k), k] as const))('%s takes a string with its unit', (_path, k) => {
    const n = usable(k);
    const config = resolveConfig(configWith(k, { [k.key]: written(k, n) }), 'options', {});
    expect(valueAt(config, k.at, k.key)).toBe(n);
    expect(deprecatedSpellings(config)).toEqual([]);
  });

  it.each(SIZES.filter((k) => !k.deprecated).map((k) => [pathOf(k), k] as const))('%s refuses a bare number, naming key, value and what is allowed', (path, k) => {
    const [problem] = problems(configWith(k, { [k.key]: usable(k) }));
    expect(problem).toBe(`${path}: ${usable(k)} is not a size like "10M"`);
  });
});

describe('the deprecated spellings still work until their removal, each with one warn record', () => {
  it.each(DEPRECATED_MS.map((k) => [pathOf(k, `${k.key}Ms`), k] as const))('%s: integer milliseconds, the same value as the new key', (oldPath, k) => {
    const n = usable(k);
    const config = resolveConfig(configWith(k, { [`${k.key}Ms`]: n }), 'options', {});
    expect(valueAt(config, k.at, `${k.key}Ms`)).toBe(n);
    const { log, memory } = memoryLogger();
    logDeprecatedSpellings(log, config);
    expect(memory.records).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'deprecated configuration key',
        key: oldPath,
        value: n,
        replacement: pathOf(k),
        replacementValue: formatDuration(n),
        removedIn: DEPRECATED_SPELLINGS_REMOVED_IN,
      }),
    ]);
  });

  it.each(DEPRECATED_MS.map((k) => [pathOf(k, `${k.key}Ms`), k] as const))('%s keeps its bounds', (oldPath, k) => {
    expect(problems(configWith(k, { [`${k.key}Ms`]: k.max! + 1 }))).toEqual([`${oldPath}: ${k.max! + 1} is too big: the maximum is ${k.max}`]);
  });

  it.each(DEPRECATED_MS.map((k) => [pathOf(k, `${k.key}Ms`), k] as const))('%s given with the new key is a startup error naming both', (oldPath, k) => {
    const n = usable(k);
    expect(problems(configWith(k, { [k.key]: written(k, n), [`${k.key}Ms`]: n }))).toEqual([
      `${oldPath}: ${n} is the deprecated spelling of "${k.key}", which is given too: write only "${k.key}"`,
    ]);
  });

  it.each(BARE_BYTES.map((k) => [pathOf(k), k] as const))('%s: a bare number of bytes', (path, k) => {
    const n = usable(k);
    const config = resolveConfig(configWith(k, { [k.key]: n }), 'options', {});
    expect(valueAt(config, k.at, k.key)).toBe(n);
    const { log, memory } = memoryLogger();
    logDeprecatedSpellings(log, config);
    expect(memory.records).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'deprecated configuration value', key: path, value: n, replacement: path, replacementValue: formatSizeExactly(n), removedIn: DEPRECATED_SPELLINGS_REMOVED_IN }),
    ]);
  });

  it('createLogger writes the records at startup, one per deprecated spelling, and nothing for the new ones', async () => {
    const memory = new MemoryTransport();
    const log = createLogger({
      name: 'svc',
      shutdown: false,
      closeTimeout: '1s',
      fatal: { timeoutMs: 2_000 },
      transports: [{ type: 'custom', transport: memory }],
    });
    await log.close();
    expect(memory.records.filter((r) => r['level'] === 'warn')).toEqual([
      expect.objectContaining({ msg: 'deprecated configuration key', key: 'fatal.timeoutMs', value: 2000, replacement: 'fatal.timeout', replacementValue: '2s', removedIn: DEPRECATED_SPELLINGS_REMOVED_IN }),
    ]);
  });

  it('the resolved configuration is the same whichever spelling was used', () => {
    const written = resolveConfig({ closeTimeout: '2s', shutdown: { timeout: '3s' }, transports: [{ ...TRANSPORTS['http'], timeout: '4s', retry: { initial: '50ms' }, batch: { maxBytes: '1M' } }] }, 'options', {});
    const old = resolveConfig({ closeTimeoutMs: 2000, shutdown: { timeoutMs: 3000 }, transports: [{ ...TRANSPORTS['http'], timeoutMs: 4000, retry: { initialMs: 50 }, batch: { maxBytes: 1048576 } }] }, 'options', {});
    expect(old).toEqual(written);
    expect(deprecatedSpellings(old).map((d) => d.key).sort()).toEqual(['closeTimeoutMs', 'shutdown.timeoutMs', 'transports[0].batch.maxBytes', 'transports[0].retry.initialMs', 'transports[0].timeoutMs']);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('durations and sizes from the environment', () => {
  it('a config file may take them from variables, with their units, like any string', () => {
    const path = join(dir, 'prodlog.config.json');
    writeFileSync(path, JSON.stringify({ closeTimeout: '${CLOSE_TIMEOUT:-2s}', transports: [{ ...TRANSPORTS['http'], spool: { maxBytes: '${SPOOL_CAP}' } }] }));
    const config = loadConfig({ path, env: { SPOOL_CAP: '512M' } });
    expect(config.closeTimeoutMs).toBe(2000);
    expect(config.transports[0]).toMatchObject({ spool: { maxBytes: 512 * 1024 * 1024 } });
  });
});
