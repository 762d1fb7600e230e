import { types } from 'node:util';
import { truncateString, type Limits } from './limits';
import type { SecretKeyMatcher } from './secretKeys';

/** Keys the logger writes itself; a field with one of these names is renamed `<key>_` so it cannot forge them. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

export type JsonFields = Record<string, unknown>;

/**
 * Makes logged fields safe for `JSON.stringify`, so a logging call never
 * throws and always yields one valid line: errors become plain objects,
 * secrets are censored, BigInt and Symbol become strings, cycles, throwing
 * getters and throwing `toJSON` become markers, and the limits cut what is
 * too big or too deep.
 *
 * It works in two passes because almost every record is harmless: a cheap
 * read-only check walks the fields and, if nothing needs changing, the caller's
 * object is serialised as it is. Only a record that needs a change is copied.
 * The caller's objects are never mutated.
 */
export class Sanitizer {
  constructor(
    private readonly limits: Limits,
    private readonly secrets: SecretKeyMatcher,
    private readonly censor: string,
  ) {}

  /**
   * The fields object as given, or a sanitised copy if anything in it needs a
   * change. A top-level field named in `reserved` is renamed `<key>_`.
   *
   * With `head` (keys the logger writes itself, such as the event name; they
   * must be in `reserved`, so no field can overwrite them), the result is
   * always one new object: head's keys first, then the fields.
   */
  fields(input: object, reserved: ReadonlySet<string> = RESERVED_KEYS, head?: JsonFields): JsonFields {
    if (isError(input)) return this.withError(input, undefined, head);
    if (this.isCleanTopSafely(input, reserved)) return head === undefined ? (input as JsonFields) : { ...head, ...input };
    return this.copyObject(input, 1, [], reserved, head);
  }

  /** The fields with `err` set to the serialised error (used by `log.error(err, fields)`). */
  withError(err: Error, fields: object | undefined, head?: JsonFields): JsonFields {
    const out = fields === undefined || isError(fields) ? startedWith(head) : this.copyObject(fields, 1, [], RESERVED_KEYS, head);
    out['err'] = this.copy(err, 2, []);
    return out;
  }

  /** Any value as a JSON-safe value (used for a message that is not a string). */
  value(v: unknown): unknown {
    return this.copy(v, 1, []);
  }

  private isCleanTopSafely(obj: object, reserved: ReadonlySet<string>): boolean {
    try {
      return this.isCleanTop(obj, reserved);
    } catch {
      return false; // e.g. a Proxy whose traps throw: the copy pass marks the value
    }
  }

  private isCleanTop(obj: object, reserved: ReadonlySet<string>): boolean {
    for (const k in obj) {
      if (reserved.has(k) || this.secrets.isSecret(k)) return false;
      let v: unknown;
      try {
        v = (obj as JsonFields)[k];
      } catch {
        return false;
      }
      if (!this.isClean(v, 2)) return false;
    }
    return true;
  }

  private isClean(v: unknown, depth: number): boolean {
    switch (typeof v) {
      case 'string':
        return v.length <= this.limits.maxStringLength;
      case 'number':
      case 'boolean':
      case 'undefined':
        return true;
      case 'object':
        return v === null || this.isCleanObject(v, depth);
      default:
        return false; // bigint, symbol, function
    }
  }

  private isCleanObject(obj: object, depth: number): boolean {
    if (depth > this.limits.maxDepth) return false;
    if (Array.isArray(obj)) {
      if (obj.length > this.limits.maxArrayLength) return false;
      for (let i = 0; i < obj.length; i++) if (!this.isClean(obj[i], depth + 1)) return false;
      return true;
    }
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return proto === Date.prototype;
    for (const k in obj) {
      if (this.secrets.isSecret(k)) return false;
      let v: unknown;
      try {
        v = (obj as JsonFields)[k];
      } catch {
        return false;
      }
      if (!this.isClean(v, depth + 1)) return false;
    }
    return true;
  }

  /** `path` holds the objects from the root to here: meeting one again is a cycle. */
  private copy(v: unknown, depth: number, path: object[]): unknown {
    switch (typeof v) {
      case 'string':
        return truncateString(v, this.limits.maxStringLength);
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

  private copyNonNull(obj: object, depth: number, path: object[]): unknown {
    if (Array.isArray(obj)) return this.copyArray(obj, depth, path);
    if (isError(obj)) return this.copyError(obj, depth, path);
    if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
    if (obj instanceof Map) return this.copyObject(Object.fromEntries(obj), depth, path);
    if (obj instanceof Set) return this.copyArray([...obj], depth, path);
    let toJSON: unknown;
    try {
      toJSON = (obj as { toJSON?: unknown }).toJSON;
    } catch (err) {
      return `[toJSON threw: ${describe(err)}]`;
    }
    if (typeof toJSON === 'function') {
      try {
        return this.copy(toJSON.call(obj), depth, path);
      } catch (err) {
        return `[toJSON threw: ${describe(err)}]`;
      }
    }
    return this.copyObject(obj, depth, path);
  }

  private copyArray(arr: readonly unknown[], depth: number, path: object[]): unknown[] {
    const max = this.limits.maxArrayLength;
    const n = Math.min(arr.length, max);
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
    if (arr.length > max) out.push(`…[truncated ${arr.length - max} items]`);
    return out;
  }

  /** `reserved` is given for the top level only; `head` holds keys that go first. */
  private copyObject(obj: object, depth: number, path: object[], reserved?: ReadonlySet<string>, head?: JsonFields): JsonFields {
    const out = startedWith(head);
    for (const k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
      const key = reserved?.has(k) === true ? `${k}_` : k;
      if (this.secrets.isSecret(k)) {
        out[key] = this.censor;
        continue;
      }
      let v: unknown;
      try {
        v = (obj as JsonFields)[k];
      } catch (err) {
        out[key] = `[getter threw: ${describe(err)}]`;
        continue;
      }
      const c = this.copy(v, depth + 1, path);
      if (c !== undefined) out[key] = c;
    }
    return out;
  }

  /** `{ type, message, stack, code?, cause?, errors? }`, following causes and AggregateError. */
  private copyError(err: Error, depth: number, path: object[]): JsonFields {
    const max = this.limits.maxStringLength;
    const out = nullObject();
    out['type'] = errorType(err);
    out['message'] = truncateString(String(read(err, 'message') ?? ''), max);
    const stack = read(err, 'stack');
    if (typeof stack === 'string') out['stack'] = truncateString(stack, max);
    const code = read(err, 'code');
    if (typeof code === 'string' || typeof code === 'number') out['code'] = code;
    const cause = read(err, 'cause');
    if (cause !== undefined) out['cause'] = this.copy(cause, depth + 1, path);
    const errors = read(err, 'errors');
    if (Array.isArray(errors)) out['errors'] = this.copy(errors, depth + 1, path);
    return out;
  }
}

export function isError(v: unknown): v is Error {
  return v instanceof Error || types.isNativeError(v);
}

function errorType(err: Error): string {
  const ctor = read(err, 'constructor');
  const ctorName = typeof ctor === 'function' ? ctor.name : '';
  if (ctorName !== '' && ctorName !== 'Error') return ctorName;
  const name = read(err, 'name');
  return typeof name === 'string' && name !== '' ? name : 'Error';
}

/** Reads a property that may be a throwing getter. */
function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch (err) {
    return `[getter threw: ${describe(err)}]`;
  }
}

function describe(err: unknown): string {
  try {
    return err instanceof Error ? err.message : String(err);
  } catch {
    return 'unprintable error';
  }
}

/** A prototype-less object, so a field named "__proto__" is data, not a prototype change. */
function nullObject(): JsonFields {
  return Object.create(null) as JsonFields;
}

/** A prototype-less object holding head's keys, if any. */
function startedWith(head: JsonFields | undefined): JsonFields {
  return head === undefined ? nullObject() : Object.assign(nullObject(), head);
}
