/**
 * Bounds on what one record may contain. Anything past a bound is cut and
 * replaced by a visible marker, so a line is always valid JSON and a reader
 * can see that something was left out:
 *
 * - a string longer than `maxStringLength` characters keeps its head and ends
 *   in `…[truncated N chars]`;
 * - an array longer than `maxArrayLength` keeps its head and ends with the
 *   element `"…[truncated N items]"`;
 * - an object (or Map) with more than `maxKeys` keys keeps its first keys and
 *   ends with the key `"…"` whose value is `"[truncated N keys]"`;
 * - an object or array nested deeper than `maxDepth` (the fields object is
 *   depth 1) becomes `"[Object]"` or `"[Array]"`;
 * - a value seen again on the path from the root becomes `"[Circular]"`.
 */
export interface Limits {
  readonly maxDepth: number;
  readonly maxStringLength: number;
  readonly maxArrayLength: number;
  readonly maxKeys: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxDepth: 10,
  maxStringLength: 64 * 1024,
  maxArrayLength: 1000,
  // As many keys as an array may have items: a bound on the work and the line, not on any real record.
  maxKeys: 1000,
});

/** The key that stands for the keys cut from an object. */
export const TRUNCATED_KEYS = '…';

export function truncateString(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[truncated ${s.length - max} chars]`;
}
