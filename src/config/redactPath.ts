import { z } from 'zod';

/** What a redaction path may be, in the words of a startup error. */
const ALLOWED = 'a path is keys joined by dots, with * or [*] for any key or item, [0] for an item, ["key"] for a key with dots or spaces, e.g. user.email, cards[*].number, headers["x-api-key"]';

/** Characters a bare key may not hold: path syntax, quotes, and what pino refuses (a comma). */
const NOT_IN_KEY = /[.[\]"'`,\s]/;

/**
 * Why `path` is not a redaction path pino can use, or undefined when it is
 * one. Stricter than pino, so that whatever passes here works there: pino
 * throws a TypeError for some paths (`[[[`), an error naming no key for others
 * (`a..b`), and silently matches nothing for yet others (`a[\`b\`]`).
 */
export function redactPathProblem(path: string): string | undefined {
  if (path === '') return 'it is empty';
  if (path.includes(',')) return 'a comma is not allowed; give each path as its own string';
  if (path.startsWith('.')) return 'it starts with a dot';
  if (path.endsWith('.')) return 'it ends with a dot';
  let i = 0;
  for (;;) {
    const next = path[i] === '[' ? afterBracket(path, i) : afterKey(path, i);
    if (typeof next === 'string') return next;
    if (next === path.length) return undefined;
    const c = path[next]!;
    if (c === '.') i = next + 1;
    else if (c === '[') i = next;
    else return c === ']' ? 'a "]" that closes nothing' : `after "]", a "." or "[" must follow, not ${describeChar(c)}`;
  }
}

/** The index after a bare key (or "*") at `from`, or the problem with it. */
function afterKey(path: string, from: number): number | string {
  let end = from;
  while (end < path.length && path[end] !== '.' && path[end] !== '[' && path[end] !== ']') end++;
  const key = path.slice(from, end);
  if (key === '') return path[from] === ']' ? 'a "]" that closes nothing' : 'an empty key between two dots';
  const bad = NOT_IN_KEY.exec(key);
  if (bad !== null) return `${describeChar(bad[0])} in the key ${JSON.stringify(key)}; put such a key in quotes and brackets: ["${key}"]`;
  if (key.includes('*') && key !== '*') return `"*" stands for any key only on its own, not inside ${JSON.stringify(key)}`;
  return end;
}

/** The index after brackets at `open` holding "*", an index or a quoted key, or the problem with them. */
function afterBracket(path: string, open: number): number | string {
  const quote = path[open + 1];
  if (quote === '"' || quote === "'") {
    const close = path.indexOf(quote, open + 2);
    if (close === -1) return 'a quote that is never closed';
    const key = path.slice(open + 2, close);
    if (key === '') return 'an empty quoted key';
    if (/[[\]"'`]/.test(key)) return `brackets or quotes inside the quoted key ${JSON.stringify(key)}`;
    if (path[close + 1] !== ']') return `a "]" must follow the quoted key ${JSON.stringify(key)}`;
    return close + 2;
  }
  const close = path.indexOf(']', open);
  const inside = close === -1 ? path.slice(open + 1) : path.slice(open + 1, close);
  if (close === -1 || inside.includes('[')) return 'a "[" is never closed';
  if (inside === '') return 'empty brackets: write [*] for any item, or an index';
  if (inside !== '*' && !/^\d+$/.test(inside)) return `[${inside}]: brackets hold *, an index or a quoted key; write ["${inside}"]`;
  return close + 1;
}

function describeChar(c: string): string {
  if (/\s/.test(c)) return 'a space';
  return `${JSON.stringify(c)}`;
}

/** One redaction path, checked at startup: `redact[0]: "a..b" is not a redaction path: an empty key between two dots; write ...`. */
export const redactPathSchema = z.custom<string>((v) => typeof v === 'string' && redactPathProblem(v) === undefined, {
  // Not aborting, so that zod's union of the list and object forms reports this issue at its path, not "Invalid input".
  abort: false,
  error: (issue) => {
    const why = typeof issue.input === 'string' ? redactPathProblem(issue.input) : 'it is not a string';
    return `is not a redaction path: ${why ?? 'it is not allowed'}; ${ALLOWED}`;
  },
});
