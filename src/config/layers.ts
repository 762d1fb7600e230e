import { formatPath } from '../core/config/describeIssues';
import { define, isPlainObject } from '../core/plainValues';

/**
 * One layer of a configuration: what it sets, and its name as the startup
 * record and `prodlog check` show it ("file", "options", "env LOG_LEVEL").
 */
export interface ConfigLayer {
  readonly name: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The layers merged into one input for the schema, and where each key of it came from. */
export interface MergedLayers {
  readonly input: Record<string, unknown>;
  /**
   * Key path ("fatal.timeout", "transports") to the layer that set it, with
   * the layers it replaced: "options (over file)". Keys no layer set are
   * the schema's defaults and are not listed.
   */
  readonly sources: Record<string, string>;
}

/**
 * Features that are `true`, `false` or an object of settings, so that
 * `watchdog: true` in options keeps the file's watchdog settings and
 * `watchdog: false` turns the feature off. `enabled`: the object has an
 * `enabled` key, and a boolean meeting an object is `{ enabled }`. `on`: an
 * object means on (`replayOnError`), so `true` over one keeps it and `false`
 * replaces it. (test/core/config-layers.test.ts finds every such key of the
 * schema.)
 */
export const TOGGLES: ReadonlyMap<string, 'enabled' | 'on'> = new Map([
  ['shutdown', 'enabled'],
  ['watchdog', 'enabled'],
  ['sampling', 'enabled'],
  ['levelSignal', 'enabled'],
  ['replayOnError', 'on'],
]);

/** Keys whose string is short for an object: `levelSignal: "SIGUSR2"` is `{ signal: "SIGUSR2" }`. */
const STRING_SHORTHANDS: Readonly<Record<string, string>> = { levelSignal: 'signal' };

interface Origin {
  readonly layer: string;
  /** The layers whose values this one replaced, lowest first. */
  readonly over: readonly string[];
}

/**
 * Merges configuration layers, lowest first, key by key: an object (such as
 * `fatal` or `watchdog`) merges with the same object of the layers below,
 * anything else (a string, a number, an array such as `transports`) replaces
 * their value whole. A key set to `undefined` is not set. A duration written
 * in one layer replaces both of its spellings below (`fatal.timeout` over the
 * file's deprecated `fatal.timeoutMs`), so the two never meet in the merged
 * input. `redact` given as an array of paths is `{ paths }` when it meets
 * the object form.
 */
export function mergeLayers(layers: readonly ConfigLayer[]): MergedLayers {
  const input: Record<string, unknown> = {};
  const origins = new Map<string, Origin>();
  for (const layer of layers) mergeInto(input, layer.values, [], layer.name, origins);
  const sources: Record<string, string> = {};
  for (const [path, origin] of [...origins].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const over = [...new Set(origin.over.filter((l) => l !== origin.layer))].reverse();
    sources[path] = over.length === 0 ? origin.layer : `${origin.layer} (over ${over.join(', ')})`;
  }
  return { input, sources };
}

function mergeInto(target: Record<string, unknown>, upper: Readonly<Record<string, unknown>>, path: readonly string[], layer: string, origins: Map<string, Origin>): void {
  for (const key of Object.keys(upper)) {
    let value = upper[key];
    if (value === undefined) continue;
    const keyPath = [...path, key];
    const replaced: string[] = [];
    // The other spelling of a duration: `timeout` and `timeoutMs` are one setting.
    // (Not under `levels`, whose keys are module names.)
    const twin = path[0] === 'levels' ? '' : key.endsWith('Ms') ? key.slice(0, -2) : `${key}Ms`;
    if (twin !== '' && Object.hasOwn(target, twin) && !isPlainObject(target[twin])) {
      replaced.push(...forget([...path, twin], origins));
      delete target[twin];
    }
    let below = Object.hasOwn(target, key) ? target[key] : undefined;
    const toggle = path.length === 0 ? TOGGLES.get(key) : undefined;
    if (toggle === 'enabled') {
      if (typeof value === 'boolean' && isPlainObject(below)) value = { enabled: value };
      else if (typeof below === 'boolean' && isPlainObject(value)) below = { enabled: below };
    } else if (toggle === 'on' && value === true && isPlainObject(below)) {
      // On, as the object below already says, with its settings: they stay, and this layer is named for the key.
      origins.set(formatPath(keyPath), { layer, over: [] });
      continue;
    }
    const shorthand = path.length === 0 ? STRING_SHORTHANDS[key] : undefined;
    if (shorthand !== undefined) {
      if (typeof value === 'string' && isPlainObject(below)) value = { [shorthand]: value };
      else if (typeof below === 'string' && isPlainObject(value)) below = { [shorthand]: below };
    }
    if (path.length === 0 && key === 'redact') {
      if (Array.isArray(value) && isPlainObject(below)) value = { paths: value };
      else if (Array.isArray(below) && isPlainObject(value)) below = { paths: below };
    }
    if (isPlainObject(value)) {
      let merged: Record<string, unknown>;
      if (isPlainObject(below)) {
        // A copy: the layer's own objects are never written to.
        merged = { ...below };
        // The lower layer's object form of a toggle or of redact, written as a boolean or an array: its origin moves to the key inside.
        moveOrigin(keyPath, below, origins);
      } else {
        if (below !== undefined) replaced.push(...forget(keyPath, origins));
        merged = {};
      }
      define(target, key, merged);
      mergeInto(merged, value, keyPath, layer, origins);
      // An object left empty still says something: `fatal: {}` is the layer's.
      if (Object.keys(merged).length === 0) origins.set(formatPath(keyPath), { layer, over: replaced });
      continue;
    }
    if (below !== undefined) replaced.push(...forget(keyPath, origins));
    define(target, key, value);
    origins.set(formatPath(keyPath), { layer, over: replaced });
  }
}

/**
 * Sets a key as an own property, whatever its name: a "__proto__" key (a
 * config file's JSON.parse makes it an own key) stays a key, which the
 * schema refuses as unknown; assigned with `target[key] =` it would set the
 * prototype and lend its values to the configuration, unseen by the schema.
 */

/**
 * A boolean toggle or an array of redact paths that became an object to
 * merge with: the origin recorded for the key itself now belongs to the key
 * inside that stands for it (`enabled`, `paths`).
 */
function moveOrigin(keyPath: readonly string[], below: Record<string, unknown>, origins: Map<string, Origin>): void {
  const own = origins.get(formatPath(keyPath));
  if (own === undefined) return;
  origins.delete(formatPath(keyPath));
  const inner = Object.keys(below)[0];
  if (inner !== undefined) origins.set(formatPath([...keyPath, inner]), own);
}

/** Drops the origins of a key and of everything under it, returning the layers they named. */
function forget(keyPath: readonly string[], origins: Map<string, Origin>): string[] {
  const prefix = formatPath(keyPath);
  const layers: string[] = [];
  for (const [path, origin] of origins) {
    if (path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)) {
      layers.push(...origin.over, origin.layer);
      origins.delete(path);
    }
  }
  return layers;
}

/**
 * The layer a problem's key path came from, for messages about a merged
 * configuration: the source of that key or of the nearest key above it.
 */
export function sourceOfPath(problem: string, sources: Readonly<Record<string, string>>): string | undefined {
  const colon = problem.indexOf(': ');
  if (colon < 0) return undefined;
  let path = problem.slice(0, colon);
  for (;;) {
    const source = sources[path];
    if (source !== undefined) return source.replace(/ \(over .*\)$/, '');
    const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    if (cut <= 0) return undefined;
    path = path.slice(0, cut);
  }
}
