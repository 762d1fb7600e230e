import type { z } from 'zod';
import { ConfigError } from './ConfigError';
import { ALWAYS_ON_SECRET_KEYS, DEFAULT_CENSOR } from '../serialize/secretKeys';
import { censorUrl } from '../serialize/urlSecrets';

/** `transports[0].rotate.size` from ["transports", 0, "rotate", "size"]. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * A schema's own words for what it takes, in place of zod's: the `error` of a
 * schema returns `expectedWords("an object like { paths, censor, defaults }")`
 * for a value of the wrong type, and the message then reads
 * `redact: "password" is a string; expected an array of paths or an object like { paths, censor, defaults }`.
 */
export function expectedWords(words: string): string {
  return `${EXPECTED}${words}`;
}

const EXPECTED = 'expected ';

/** The value at a path of the input, to quote it in the message. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const part of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

/** A value as quoted in a message, cut at 80 characters; a URL's password and secret parameters censored. */
export function quote(v: unknown): string {
  if (typeof v === 'string') v = censorUrl(v, DEFAULT_CENSOR, ALWAYS_ON_SECRET_KEYS);
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return '[function]';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return String(v);
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** What a value is, in words: "a string", "an array", "null". */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isFinite(v) ? 'a number' : 'not a finite number';
    case 'boolean':
      return 'a boolean';
    case 'bigint':
      return 'a bigint';
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      return 'an object';
  }
}

/** The JSON type of a value, to tell a value of the wrong type from a wrong value of the right type. */
function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** zod's names of types, in words. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true, false',
  bigint: 'a bigint',
  array: 'an array',
  tuple: 'an array',
  object: 'an object',
  record: 'an object',
  map: 'a Map',
  set: 'a Set',
  date: 'a date',
  function: 'a function',
  null: 'null',
  undefined: 'nothing',
  nonoptional: 'a value',
  never: 'nothing (the key is not allowed here)',
};

/** "a, b or c". */
function either(words: readonly string[]): string {
  const distinct = [...new Set(words.flatMap((w) => (w === TYPE_WORDS['boolean'] ? ['true', 'false'] : [w])))];
  return distinct.length <= 1 ? (distinct[0] ?? '') : `${distinct.slice(0, -1).join(', ')} or ${distinct.at(-1)!}`;
}

/** Allowed values as written in a config file: strings quoted when they stand among other words, bare in a plain list. */
function valuesWords(values: readonly unknown[], bare: boolean): string[] {
  return values.map((v) => (bare && typeof v === 'string' ? v : quote(v)));
}

/** The words a schema gave for what it takes (see expectedWords), or zod's type in words. */
function typeWords(issue: z.core.$ZodIssueInvalidType): string {
  if (issue.message.startsWith(EXPECTED)) return issue.message.slice(EXPECTED.length);
  return TYPE_WORDS[issue.expected] ?? `a value of type ${issue.expected}`;
}

/** A type's words on their own: "true or false" for a boolean. */
const alone = (words: string): string => either([words]);

/** What the value is, then what is allowed: `"yes" is a string; expected true or false`. */
function wrongType(value: unknown, expected: string): string {
  if (value === undefined) return `is required: expected ${expected}`;
  if (value === null) return `is null; expected ${expected}`;
  return `${quote(value)} is ${kindOf(value)}; expected ${expected}`;
}

/** `"verbose" is not one of debug, info, ...`, or, for a value of another type, `3 is a number; expected one of debug, info, ...`. */
function notOneOf(value: unknown, values: readonly unknown[]): string {
  const allowed = values.length === 1 ? valuesWords(values, false)[0]! : `one of ${valuesWords(values, values.every((v) => typeof v === 'string')).join(', ')}`;
  if (value === undefined || !values.some((v) => typeOf(v) === typeOf(value))) return wrongType(value, allowed);
  return `${quote(value)} is not ${allowed}`;
}

/** The words for one option of a union that refused the value outright (its type, or its literal values), or undefined when it got further. */
function optionWords(issues: readonly z.core.$ZodIssue[]): string | undefined {
  const [issue] = issues;
  if (issues.length !== 1 || issue === undefined || issue.path.length > 0) return undefined;
  if (issue.code === 'invalid_type') return typeWords(issue);
  if (issue.code === 'invalid_value') return either(valuesWords(issue.values, false));
  return undefined;
}

/** Units of what a string, an array or a number is measured in, for too_small and too_big. */
function measured(origin: string, value: unknown): { what: string; unit: (n: number | bigint) => string } | undefined {
  if (origin === 'string' && typeof value === 'string') return { what: `is ${value.length} characters long`, unit: (n) => `${n} character${n === 1 ? '' : 's'}` };
  if ((origin === 'array' || origin === 'set') && Array.isArray(value)) return { what: `has ${value.length} item${value.length === 1 ? '' : 's'}`, unit: (n) => `${n} item${n === 1 ? '' : 's'}` };
  return undefined;
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, value: unknown): string {
  if (issue.origin === 'string' && value === '') return `"" is empty; expected at least ${issue.minimum === 1 ? 'one character' : `${issue.minimum} characters`}`;
  if ((issue.origin === 'array' || issue.origin === 'set') && Array.isArray(value) && value.length === 0) return `[] is empty; expected at least ${issue.minimum === 1 ? 'one item' : `${issue.minimum} items`}`;
  const m = measured(issue.origin, value);
  if (m) return `${quote(value)} ${m.what}; expected ${issue.exact ? 'exactly' : 'at least'} ${m.unit(issue.minimum)}`;
  if (issue.inclusive === false) return `${quote(value)} is too small: it must be above ${String(issue.minimum)}`;
  return `${quote(value)} is too small: the minimum is ${String(issue.minimum)}`;
}

function tooBig(issue: z.core.$ZodIssueTooBig, value: unknown): string {
  const m = measured(issue.origin, value);
  if (m) return `${quote(value)} ${m.what}; expected ${issue.exact ? 'exactly' : 'at most'} ${m.unit(issue.maximum)}`;
  if (issue.inclusive === false) return `${quote(value)} is too big: it must be below ${String(issue.maximum)}`;
  return `${quote(value)} is too big: the maximum is ${String(issue.maximum)}`;
}

const FORMAT_WORDS: Readonly<Record<string, string>> = { url: 'a URL', email: 'an e-mail address', uuid: 'a UUID', ipv4: 'an IPv4 address', ipv6: 'an IPv6 address', datetime: 'an ISO 8601 date and time', date: 'an ISO 8601 date', hostname: 'a host name' };

function badFormat(issue: z.core.$ZodIssueInvalidStringFormat): string {
  const i = issue as z.core.$ZodIssueInvalidStringFormat & { prefix?: string; suffix?: string; includes?: string };
  switch (i.format) {
    case 'regex':
      return `a string matching /${i.pattern ?? ''}/`;
    case 'starts_with':
      return `a string starting with ${quote(i.prefix)}`;
    case 'ends_with':
      return `a string ending with ${quote(i.suffix)}`;
    case 'includes':
      return `a string containing ${quote(i.includes)}`;
    default:
      return FORMAT_WORDS[i.format] ?? `a string in the ${i.format} format`;
  }
}

/** zod's own wording, which must not reach a user: it names neither the value nor, in words, what is allowed. */
function isZodWording(message: string): boolean {
  return message === '' || /^(Invalid|Unrecognized key|Too (small|big)|Expected )/.test(message);
}

/** The problems the issue stands for, each with its path (a union's closest option may give several, deeper down). */
function describe(issue: z.core.$ZodIssue, input: unknown): { path: readonly PropertyKey[]; text: string }[] {
  const value = valueAt(input, issue.path);
  const one = (text: string) => [{ path: issue.path, text }];
  // A check's own words (a URL, a header value, a size) say best what it allows.
  const own = !isZodWording(issue.message) && !issue.message.startsWith(EXPECTED);
  if (own && issue.code !== 'unrecognized_keys' && issue.code !== 'invalid_union') return one(`${quote(value)} ${issue.message}`);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int' && typeof value === 'number') return one(`${quote(value)} is not a whole number; expected an integer`);
      return one(wrongType(value, alone(typeWords(issue))));
    case 'invalid_value':
      return one(notOneOf(value, issue.values));
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (options !== undefined) return one(notOneOf(value, options));
      if (issue.errors.length === 0) return one(`${quote(value)} fits more than one of the forms this key takes; write it so that it fits one`);
      const words = issue.errors.map(optionWords);
      // An option that took the value's type and refused something inside it is the one the user meant: report its problems.
      const closest = issue.errors.find((_, i) => words[i] === undefined);
      if (closest) return closest.flatMap((inner) => describe({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue, input));
      return one(wrongType(value, either(words as string[])));
    }
    case 'too_small':
      return one(tooSmall(issue, value));
    case 'too_big':
      return one(tooBig(issue, value));
    case 'invalid_format':
      return one(`${quote(value)} is not ${badFormat(issue)}`);
    case 'not_multiple_of':
      return one(`${quote(value)} is not a multiple of ${issue.divisor}`);
    case 'unrecognized_keys':
      if (own) return one(issue.message);
      return one(`unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`);
    case 'invalid_key':
    case 'invalid_element': {
      const inner = issue.issues.map((i) => describe({ ...i, path: [] } as z.core.$ZodIssue, (issue as { key?: unknown }).key).map((d) => d.text)).flat();
      return one(`has a key that is not allowed: ${inner.join('; ')}`);
    }
    default:
      // A custom check without words of its own.
      return one(`${quote(value)} is not allowed here`);
  }
}

/** One line per problem: key path, bad value, what is allowed. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => describe(issue, input)).map((d) => `${formatPath(d.path)}: ${d.text}`);
}

/** The options as `schema` reads them; a bad one throws ConfigError naming `who`, each key, its value and what is allowed. */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, who: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ConfigError(who, describeIssues(parsed.error.issues, input));
  return parsed.data;
}
