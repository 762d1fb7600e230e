import { describe, read } from '../../core/serialize/Sanitizer';

/**
 * pino's message interpolation, as pino does it (quick-format-unescaped, the
 * formatter pino calls): `%s` String, `%d` and `%f` Number, `%i` an integer,
 * `%o` `%O` `%j` JSON (a string argument in single quotes, a function by its
 * name), `%%` a percent sign. A placeholder without an argument stays as it
 * is, and arguments without a placeholder are left out. Unlike pino, it never
 * throws: a value whose conversion throws (a Symbol under `%d`, a throwing
 * `toString`, a cycle or a throwing getter under `%j`) is written as a marker.
 */
export function formatMessage(format: string, args: readonly unknown[]): string {
  return interpolate(format, args).text;
}

/** The message, and how many arguments a placeholder took into it (those left as written and those left over do not count). */
export function interpolate(format: string, args: readonly unknown[]): { readonly text: string; readonly used: number } {
  if (args.length === 0) return { text: format, used: 0 };
  let out = '';
  let last = 0;
  let a = 0;
  let used = 0;
  const n = format.length;
  for (let i = 0; i < n - 1; i++) {
    if (format.charCodeAt(i) !== 37 /* % */) continue;
    const spec = format[i + 1];
    // As pino's formatter does, every "%x" but "%%" takes its argument, even one it leaves as written.
    const text = spec === '%' ? '%' : a < args.length ? placeholder(spec, args[a]) : undefined;
    if (spec !== '%') {
      a++;
      if (text !== undefined) used++;
    }
    if (text === undefined) continue;
    out += format.slice(last, i) + text;
    last = i + 2;
    i++;
  }
  return { text: last === 0 ? format : out + format.slice(last), used };
}

/** The text for one placeholder, or undefined to leave it as written (an unknown one, or `%d` with null, as pino does). */
function placeholder(spec: string | undefined, arg: unknown): string | undefined {
  switch (spec) {
    case 'd':
    case 'f':
      return arg === null || arg === undefined ? undefined : guarded(() => String(Number(arg)));
    case 'i':
      return arg === null || arg === undefined ? undefined : guarded(() => String(Math.floor(Number(arg))));
    case 'o':
    case 'O':
    case 'j':
      if (arg === undefined) return undefined;
      if (typeof arg === 'string') return `'${arg}'`;
      if (typeof arg === 'function') return (arg as { name?: unknown }).name ? String((arg as { name?: unknown }).name) : '<anonymous>';
      return safeStringify(arg);
    case 's':
      return guarded(() => String(arg));
    default:
      return undefined;
  }
}

function guarded(convert: () => string): string {
  try {
    return convert();
  } catch (err) {
    return `[unprintable: ${describe(err)}]`;
  }
}

/**
 * JSON of any value, never throwing: cycles become "[Circular]", BigInt a
 * string of its digits, a throwing getter or toJSON a marker; deeper than 10
 * levels, "[Object]" or "[Array]". For `%j` and for a message that is not a
 * string.
 */
export function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // a cycle, a BigInt, a throwing getter or toJSON: copy it the slow way
  }
  try {
    return JSON.stringify(jsonSafe(value, 0, [])) ?? String(value);
  } catch (err) {
    return `"[unserialisable: ${describe(err)}]"`;
  }
}

const MAX_DEPTH = 10;

function jsonSafe(value: unknown, depth: number, path: object[]): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (path.includes(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]';
  path.push(value);
  try {
    let source: unknown = value;
    const toJSON = read(value, 'toJSON');
    if (typeof toJSON === 'function') {
      source = toJSON.call(value);
      if (typeof source !== 'object' || source === null) return jsonSafe(source, depth + 1, path);
    }
    if (Array.isArray(source)) return source.map((item) => jsonSafe(item, depth + 1, path));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source as object)) {
      Object.defineProperty(out, key, { value: jsonSafe(read(source as object, key), depth + 1, path), enumerable: true, writable: true, configurable: true });
    }
    return out;
  } catch (err) {
    return `[unserialisable: ${describe(err)}]`;
  } finally {
    path.pop();
  }
}

