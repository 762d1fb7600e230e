import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConfigError, resolveConfig } from '../../src';
import { MemoryTransport } from '../../src/testing';

/**
 * A walk over a configuration schema (the root logger schema with every
 * transport's and integration's options), for tests that check every key:
 * the units test, the messages test.
 */

/** One key of the schema: the object holding it, its name, its value's schema. */
export interface SchemaKey {
  /** The object holding the key: [] for the root, ["transports", 0, "retry"], ... */
  readonly at: readonly (string | number)[];
  readonly key: string;
  readonly schema: z.ZodType;
  /** The other keys of the same object. */
  readonly siblings: Readonly<Record<string, z.ZodType>>;
  /** The transport the key belongs to, if any: its smallest valid options. */
  readonly transport?: Record<string, unknown>;
}

const dir = mkdtempSync(join(tmpdir(), 'prodlog-schema-'));

/** The smallest valid options of each transport. */
export const TRANSPORTS: Readonly<Record<string, Record<string, unknown>>> = {
  console: { type: 'console' },
  file: { type: 'file', path: join(dir, 'app.log') },
  custom: { type: 'custom', transport: new MemoryTransport() },
  syslog: { type: 'syslog', host: 'logs.internal', protocol: 'tcp' },
  http: { type: 'http', url: 'http://127.0.0.1:1/x', format: 'ndjson' },
};

/** Keys whose object needs a sibling to be valid at all. */
const SIBLINGS: Readonly<Record<string, Record<string, unknown>>> = { 'transports.rotate': { interval: '1d' }, 'watchdog.diskFree': { min: '1G' } };

export type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  in?: z.ZodType;
  out?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  valueType?: z.ZodType;
  values?: unknown[];
  entries?: Record<string, unknown>;
};
export const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under optional, default and prefault. */
export function unwrap(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  return def.type === 'optional' || def.type === 'default' || def.type === 'prefault' ? unwrap(def.innerType!) : schema;
}

/** The object under a transport's pipes (its checks and transforms). */
function objectDef(schema: z.ZodType): Def {
  const def = defOf(schema);
  return def.type === 'pipe' ? objectDef(def.in!) : def;
}

/** Every key of the schema, walking objects, pipes, wrappers, unions and arrays; `descend` may stop the walk under a key. */
export function schemaKeys(schema: z.ZodType, descend: (k: SchemaKey) => boolean = () => true, at: readonly (string | number)[] = [], transport?: Record<string, unknown>): SchemaKey[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object': {
      const found: SchemaKey[] = [];
      const siblings = def.shape ?? {};
      for (const [key, value] of Object.entries(siblings)) {
        const k: SchemaKey = { at, key, schema: value, siblings, ...(transport ? { transport } : {}) };
        found.push(k);
        if (descend(k)) found.push(...schemaKeys(value, descend, [...at, key], transport));
      }
      return found;
    }
    case 'pipe':
      return [...schemaKeys(def.in!, descend, at, transport), ...schemaKeys(def.out!, descend, at, transport)];
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
      return schemaKeys(def.innerType!, descend, at, transport);
    case 'union':
      return (def.options ?? []).flatMap((option) => {
        const type = objectDef(option).shape?.['type'];
        const name = type ? (defOf(type) as unknown as { values: string[] }).values[0] : undefined;
        return schemaKeys(option, descend, at, name !== undefined ? TRANSPORTS[name] : transport);
      });
    case 'array':
      return schemaKeys(def.element!, descend, [...at, 0], transport);
    default:
      return [];
  }
}

/** A configuration that sets `values` in the object holding the key (building the transport and siblings it needs). */
export function configWith(k: Pick<SchemaKey, 'at' | 'transport'>, values: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let parent: Record<string, unknown> = root;
  k.at.forEach((part, i) => {
    if (typeof part === 'number') return;
    const isTransports = part === 'transports';
    const child: Record<string, unknown> = isTransports ? { ...k.transport } : { ...SIBLINGS[[...k.at.slice(0, i).filter((p) => typeof p === 'string'), part].join('.')] };
    parent[part] = isTransports ? [child] : child;
    parent = child;
  });
  Object.assign(parent, values);
  return root;
}

/** `transports[0].retry.initial`. */
export const pathOf = (k: Pick<SchemaKey, 'at' | 'key'>, key = k.key): string => [...k.at, key].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/** The problems resolveConfig reports for `input`, none when it resolves. */
export function problems(input: unknown): readonly string[] {
  try {
    resolveConfig(input, 'options', {});
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}
