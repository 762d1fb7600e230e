import { types } from 'node:util';
import { errorFingerprint, processServiceRoot } from './fingerprint';
import { censorHeaderText, censorRawHeaders, looksLikeHeaderText } from './httpHeaders';
import { httpSummary } from './httpSummary';
import { ERROR_KEY, RESERVED_KEYS } from '../record';
import { truncateString, TRUNCATED_KEYS, type Limits } from './limits';
import type { SecretKeyMatcher } from './secretKeys';
import { censorUrl } from './urlSecrets';
import { isPlainObject } from '../plainValues';

export type JsonFields = Record<string, unknown>;

/** Stands for "toJSON was not read yet", since undefined is a value it may have. */
const NOT_READ: unique symbol = Symbol('not read');

/**
 * Makes logged fields safe for `JSON.stringify`, so a logging call never
 * throws and always yields one valid line: errors become plain objects,
 * node:http objects a summary, secrets are censored, BigInt and Symbol
 * become strings, cycles, throwing getters and throwing `toJSON` become
 * markers, and the limits cut what is too big or too deep.
 *
 * It copies in one pass, reading each property of the caller's objects
 * exactly once, and pino serialises the copy: a getter with a side effect
 * (one that logs, counts, or pulls from a stream) runs once per call, and
 * nothing changes between the check and the write (docs/design.md, "The
 * sanitiser copies"). The caller's objects are never mutated.
 */
export class Sanitizer {
  constructor(
    private readonly limits: Limits,
    private readonly secrets: SecretKeyMatcher,
    private readonly censor: string,
  ) {}

  /**
   * A sanitised copy of the fields. A top-level field named in `reserved` is
   * renamed `<key>_`, and so is a top-level `err` that is not an Error: `err`
   * is always a serialised error, a contract stores rely on (a typed column
   * would refuse a string). With `head` (keys the logger writes itself, such as the
   * event name; they must be in `reserved`, so no field can overwrite them),
   * head's keys come first.
   */
  fields(input: object, reserved: ReadonlySet<string> = RESERVED_KEYS, head?: JsonFields): JsonFields {
    if (isError(input)) return this.withError(input, undefined, head);
    try {
      const summary = isPlainObject(input) ? undefined : httpSummary(input, this.censor); // log.info('in', req)
      return this.copyObject(summary ?? input, 1, [], reserved, head);
    } catch (err) {
      // e.g. a Proxy whose ownKeys trap throws: the call keeps its message and says why its fields are missing
      const out = startedWith(head);
      out['fields'] = `[unserialisable: ${describe(err)}]`;
      return out;
    }
  }

  /** The fields with `err` set to the serialised error (used by `log.error(err, fields)`). */
  withError(err: Error, fields: object | undefined, head?: JsonFields): JsonFields {
    const out = fields === undefined || isError(fields) ? startedWith(head) : this.fields(fields, RESERVED_KEYS, head);
    out[ERROR_KEY] = this.copy(err, 2, []);
    return out;
  }

  /** Any value as a JSON-safe value (used for a message that is not a string). */
  value(v: unknown): unknown {
    return this.copy(v, 1, []);
  }

  /** `path` holds the objects from the root to here: meeting one again is a cycle. */
  private copy(v: unknown, depth: number, path: object[]): unknown {
    switch (typeof v) {
      case 'string':
        return this.copyString(v);
      case 'number':
      case 'boolean':
      case 'undefined':
        return v;
      case 'bigint':
        return v.toString(); // a string keeps every digit; a JSON number would not
      case 'symbol':
        return v.toString();
      case 'function':
        return undefined; // as JSON.stringify does
      default:
        break;
    }
    if (v === null) return null;
    const obj = v as object;
    if (path.includes(obj)) return '[Circular]';
    if (depth > this.limits.maxDepth) return Array.isArray(obj) ? '[Array]' : '[Object]';
    path.push(obj);
    try {
      return this.copyNonNull(obj, depth, path);
    } catch (err) {
      return `[unserialisable: ${describe(err)}]`; // e.g. a Proxy whose traps throw
    } finally {
      path.pop();
    }
  }

  /** Strings are cut at maxStringLength; credentials in URLs and in raw HTTP header text are censored. */
  private copyString(s: string): string {
    const max = this.limits.maxStringLength;
    const cut = s.length > max ? truncateString(s, max) : s;
    if (!mayHoldCredentials(cut)) return cut;
    if (looksLikeHeaderText(cut)) return censorHeaderText(cut, this.censor);
    return this.secrets.enabled ? censorUrl(cut, this.censor, this.secrets) : cut;
  }

  private copyNonNull(obj: object, depth: number, path: object[]): unknown {
    if (Array.isArray(obj)) return this.copyArray(obj, depth, path);
    if (isPlainObject(obj)) {
      if (types.isNativeError(obj)) return this.copyError(obj, depth, path); // an Error whose prototype was replaced
      return 'toJSON' in obj ? this.viaToJSON(obj, depth, path) : this.copyObject(obj, depth, path);
    }
    if (isError(obj)) return this.copyError(obj, depth, path);
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
    if (obj instanceof Map) return this.copyMap(obj, depth, path);
    if (obj instanceof Set) return this.copySet(obj, depth, path);
    const summary = httpSummary(obj, this.censor);
    if (summary !== undefined) return this.copyObject(summary, depth, path);
    return this.viaToJSON(obj, depth, path);
  }

  /** What `toJSON()` returns, when the object has one (Date, Decimal, ...); else its own enumerable properties. */
  private viaToJSON(obj: object, depth: number, path: object[]): unknown {
    let toJSON: unknown;
    try {
      toJSON = (obj as { toJSON?: unknown }).toJSON;
    } catch (err) {
      return `[toJSON threw: ${describe(err)}]`;
    }
    if (typeof toJSON !== 'function') return this.copyObject(obj, depth, path, undefined, undefined, toJSON);
    try {
      return this.copy(toJSON.call(obj), depth, path);
    } catch (err) {
      return `[toJSON threw: ${describe(err)}]`;
    }
  }

  private copyArray(arr: readonly unknown[], depth: number, path: object[]): unknown[] {
    const length = arr.length;
    const n = Math.min(length, this.limits.maxArrayLength);
    const out: unknown[] = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      let item: unknown;
      try {
        item = arr[i];
      } catch (err) {
        item = `[getter threw: ${describe(err)}]`;
      }
      const c = this.copy(item, depth + 1, path);
      out[i] = c === undefined ? null : c; // JSON writes null for holes and functions in arrays
    }
    if (length > n) out.push(`…[truncated ${length - n} items]`);
    return out;
  }

  private copySet(set: ReadonlySet<unknown>, depth: number, path: object[]): unknown[] {
    const head: unknown[] = [];
    for (const item of set) {
      if (head.length === this.limits.maxArrayLength) break;
      head.push(item);
    }
    const out = this.copyArray(head, depth, path);
    if (set.size > head.length) out.push(`…[truncated ${set.size - head.length} items]`);
    return out;
  }

  /** A Map as an object keyed by its keys as strings (Symbol keys are left out), cut at maxKeys like an object. */
  private copyMap(map: ReadonlyMap<unknown, unknown>, depth: number, path: object[]): JsonFields {
    const out: JsonFields = {};
    let n = 0;
    for (const [k, v] of map) {
      if (typeof k === 'symbol') continue;
      if (n === this.limits.maxKeys) break;
      n++;
      const key = String(k);
      setField(out, key, this.secrets.isSecret(key) ? this.censor : this.copy(v, depth + 1, path));
    }
    if (map.size > n) out[TRUNCATED_KEYS] = `[truncated ${map.size - n} keys]`;
    return out;
  }

  /**
   * Own enumerable string keys, each read once, cut at maxKeys. `reserved`
   * is given for the top level only; `head` holds keys that go first;
   * `toJSON` is the value of the `toJSON` key when it was read already.
   */
  private copyObject(obj: object, depth: number, path: object[], reserved?: ReadonlySet<string>, head?: JsonFields, toJSON: unknown = NOT_READ): JsonFields {
    const out: JsonFields = head === undefined ? {} : { ...head };
    const secrets = this.secrets;
    const max = this.limits.maxKeys;
    let n = 0;
    let cut = 0;
    // Object.keys: own enumerable string keys, as for-in with a hasOwn check, without walking the prototype chain.
    for (const k of Object.keys(obj)) {
      if (n === max) {
        cut++; // counted, not read
        continue;
      }
      n++;
      let c: unknown;
      let anError = false;
      if (secrets.isSecret(k)) {
        c = this.censor;
      } else {
        try {
          const v = k === 'toJSON' && toJSON !== NOT_READ ? toJSON : (obj as JsonFields)[k];
          anError = k === ERROR_KEY && isError(v);
          c = isRawHeaderKey(k) ? this.copyRawHeaders(k, v, depth + 1, path) : this.copy(v, depth + 1, path);
        } catch (err) {
          c = `[getter threw: ${describe(err)}]`; // copy() itself never throws: this is the read
        }
        if (c === undefined) continue;
      }
      const key = reserved !== undefined && (reserved.has(k) || (k === ERROR_KEY && !anError)) ? `${k}_` : k;
      if (key === '__proto__') Object.defineProperty(out, key, { value: c, enumerable: true, writable: true, configurable: true });
      else out[key] = c;
    }
    if (cut > 0) out[TRUNCATED_KEYS] = `[truncated ${cut} keys]`;
    return out;
  }

  /** node:http's raw header forms met as plain data (a spread request, a library's own copy): censored whatever their text. */
  private copyRawHeaders(key: string, v: unknown, depth: number, path: object[]): unknown {
    const c = this.copy(v, depth, path); // our own copy: censoring it reads nothing of the caller's
    if (key === '_header') return typeof c === 'string' ? censorHeaderText(c, this.censor) : c;
    return Array.isArray(c) ? censorRawHeaders(c, this.censor) : c;
  }

  /**
   * `{ type, message, stack, fingerprint, code?, cause?, errors? }`, following
   * causes and AggregateError; each error of a chain gets its own fingerprint,
   * from the whole stack before it is cut (docs/fingerprint.md).
   */
  private copyError(err: Error, depth: number, path: object[]): JsonFields {
    const max = this.limits.maxStringLength;
    const out: JsonFields = {};
    const type = errorType(err);
    const message = String(read(err, 'message') ?? '');
    const stack = read(err, 'stack');
    const rawCode = read(err, 'code');
    const code = typeof rawCode === 'string' || typeof rawCode === 'number' ? rawCode : undefined;
    out['type'] = type;
    out['message'] = truncateString(message, max);
    if (typeof stack === 'string') out['stack'] = truncateString(stack, max);
    out['fingerprint'] = errorFingerprint(type, typeof stack === 'string' ? stack : undefined, processServiceRoot(), message, code);
    if (code !== undefined) out['code'] = code;
    const cause = read(err, 'cause');
    if (cause !== undefined) out['cause'] = this.copy(cause, depth + 1, path);
    const errors = read(err, 'errors');
    if (Array.isArray(errors)) out['errors'] = this.copy(errors, depth + 1, path);
    return out;
  }
}

/** Keys under which node:http keeps headers raw: `rawHeaders` and `rawTrailers` lists, `_header` text. */
function isRawHeaderKey(k: string): boolean {
  return k === 'rawHeaders' || k === '_header' || k === 'rawTrailers';
}

/**
 * The cheap test that lets almost every string through untouched: only one
 * that starts like a URL (a letter, or "/") and is long enough to hold a
 * credential, or like raw header text (an upper-case letter), is looked at.
 */
function mayHoldCredentials(s: string): boolean {
  const c0 = s.charCodeAt(0);
  if (c0 === 47 /* / */) return s.length > 3;
  return s.length > 8 && ((c0 >= 97 && c0 <= 122) || (c0 >= 65 && c0 <= 90));
}

/**
 * Whether `v` is an Error, from this realm or another. Never throws: a
 * Proxy's getPrototypeOf trap may, and `log.error(value)` must not.
 */
export function isError(v: unknown): v is Error {
  try {
    return v instanceof Error || types.isNativeError(v);
  } catch {
    return types.isNativeError(v);
  }
}

/** Sets a key of our own output object; a key named "__proto__" is data, not a prototype change. Undefined values are left out. */
function setField(out: JsonFields, key: string, value: unknown): void {
  if (value === undefined) return;
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

function errorType(err: Error): string {
  const ctor = read(err, 'constructor');
  const ctorName = typeof ctor === 'function' ? ctor.name : '';
  if (ctorName !== '' && ctorName !== 'Error') return ctorName;
  const name = read(err, 'name');
  return typeof name === 'string' && name !== '' ? name : 'Error';
}

/** Reads a property that may be a throwing getter: the getter's failure becomes the value, never a throw. */
export function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch (err) {
    return `[getter threw: ${describe(err)}]`;
  }
}

/** Anything can be thrown; a non-Error is kept as the cause of an Error that says so. */
export function toError(value: unknown): Error {
  if (isError(value)) return value;
  return new Error(`a non-Error value was thrown: ${typeof value}`, { cause: value });
}

/** The message of whatever was thrown, for a marker or a note in a record; never throws. */
export function describe(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return 'unprintable error';
  }
}

/** A new object holding head's keys, if any. */
function startedWith(head: JsonFields | undefined): JsonFields {
  return head === undefined ? {} : { ...head };
}
