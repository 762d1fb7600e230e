import type { z } from 'zod';
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
function quote(v: unknown): string {
  if (typeof v === 'string') v = censorUrl(v, DEFAULT_CENSOR, ALWAYS_ON_SECRET_KEYS);
  if (v === undefined) return 'undefined';
  if (typeof v === 'function') return '[function]';
  if (typeof v === 'bigint') return `${v}n`;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const ARTICLE: Readonly<Record<string, string>> = { object: 'an object', array: 'an array', int: 'an integer', integer: 'an integer' };

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'invalid_value':
      return `${quote(value)} is not one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_union': {
      const options = (issue as { options?: readonly unknown[] }).options;
      if (options) return `${quote(value)} is not one of ${options.map(String).join(', ')}`;
      return `${quote(value)} is not allowed: ${issue.message}`;
    }
    case 'invalid_type':
      if (value === undefined) return `is required: expected ${ARTICLE[issue.expected] ?? `a ${issue.expected}`}`;
      return `${quote(value)} is not ${ARTICLE[issue.expected] ?? `a ${issue.expected}`}`;
    case 'too_small':
      return `${quote(value)} is too small: the minimum is ${String(issue.minimum)}`;
    case 'too_big':
      return `${quote(value)} is too big: the maximum is ${String(issue.maximum)}`;
    case 'unrecognized_keys':
      return issue.message;
    default:
      // custom checks (sizes, durations, transports) phrase "what is allowed" themselves
      return `${quote(value)} ${issue.message}`;
  }
}

/** One line per issue: key path, bad value, what is allowed. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${describe(issue, input)}`);
}
