/**
 * Characters shown escaped in pretty output, wherever they are: C0 controls
 * (newline, carriage return, ESC and its cursor moves), DEL, C1 controls (NEL
 * U+0085 is a newline to some terminals, U+009B a one-character ESC [), the
 * line and paragraph separators U+2028 and U+2029 (line breaks to many
 * viewers and editors), and the bidi embeddings, overrides and isolates,
 * which can make a line display as other text ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same without the newline: the line breaks of a stack are kept, and pino-pretty indents every line after them. */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_STACK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves as it is, of UNSAFE: escaped in the output of pino-pretty (see escapeOutput). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** Nothing to escape beforehand: the value is printed as JSON text, and escapeOutput does the rest. */
const NONE = /(?!)/g;
/** pino-pretty's errorLikeObjectKeys: printed as JSON text, their stacks line by line. */
const ERROR_KEYS = new Set(['err', 'error']);

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text on one line, every unsafe character shown as an escape ("\n", "\u2028"). */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A parsed record for pino-pretty with every key and every string escaped,
 * so that nothing in it can start a line or move the cursor: one record is
 * one header line followed by indented lines. The value of a `stack` key
 * keeps its line breaks (a stack on one line is hard to read): pino-pretty
 * prints every line of a stack indented, and nothing else in it is left
 * unescaped, not even a carriage return that would move back over the
 * indentation.
 *
 * Under `err` and `error` the rest is left to JSON: pino-pretty prints an
 * error as JSON text, whose quoting escapes C0 controls ("\n"), and
 * escapeOutput escapes what JSON leaves alone. Escaped beforehand, they would
 * read "\\n" there: pino-pretty drops the doubled backslash elsewhere, not in errors.
 */
export function displaySafe(record: object): Record<string, unknown> {
  return copyObject(record, (key) => (ERROR_KEYS.has(key) ? NONE : UNSAFE));
}

/** The last step, on pino-pretty's output: what JSON text in an error left unescaped. Colours (ESC [ ... m) are C0, kept. */
export function escapeOutput(printed: string): string {
  return printed.replace(UNSAFE_IN_JSON, escapeChar);
}

/** Keys are defined, not assigned, so a key "__proto__" from a parsed line stays a key. */
function copyObject(value: object, unsafeUnder: (key: string) => RegExp): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const unsafe = unsafeUnder(key);
    Object.defineProperty(out, key.replace(unsafe, escapeChar), { value: copy(v, key, unsafe), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function copy(value: unknown, key: string | undefined, unsafe: RegExp): unknown {
  if (typeof value === 'string') return value.replace(key === 'stack' ? UNSAFE_IN_STACK : unsafe, escapeChar);
  if (Array.isArray(value)) return value.map((item) => copy(item, undefined, unsafe));
  if (typeof value !== 'object' || value === null) return value;
  return copyObject(value, () => unsafe);
}
