import { formatPath } from './describeIssues';
import { isPlainObject } from '../plainValues';

// Apart from unitOptions.ts, which builds the schemas that record these notices, so that the
// startup record (and `prodlog check`) can read them without loading zod.

/**
 * The release that stops accepting the spellings deprecated here: integer
 * milliseconds under keys ending in `Ms`, and bare numbers of bytes.
 */
export const DEPRECATED_SPELLINGS_REMOVED_IN = '0.3.0';

/** How one key of one object was spelled the old way; the object's path is added by deprecatedSpellings(). */
export interface LocalNotice {
  readonly key: string;
  readonly value: unknown;
  readonly replacement: string;
  readonly replacementValue: string;
}

/** A deprecated spelling found in a resolved configuration, for the warn record written at startup. */
export interface DeprecatedSpelling extends LocalNotice {
  readonly removedIn: string;
}

export const NOTICES = Symbol('prodlog.deprecatedSpellings');

/**
 * Every deprecated spelling in a configuration resolved by the schema, with
 * the whole key path (`transports[0].retry.initialMs`). Only plain objects
 * and arrays are walked: a custom transport is the user's own object.
 */
export function deprecatedSpellings(config: unknown): DeprecatedSpelling[] {
  const found: DeprecatedSpelling[] = [];
  const walk = (value: unknown, path: readonly PropertyKey[]): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]));
      return;
    }
    if (!isPlainObject(value)) return;
    const notices = (value as { [NOTICES]?: readonly LocalNotice[] })[NOTICES] ?? [];
    for (const n of notices) {
      found.push({
        key: formatPath([...path, n.key]),
        value: n.value,
        replacement: formatPath([...path, n.replacement]),
        replacementValue: n.replacementValue,
        removedIn: DEPRECATED_SPELLINGS_REMOVED_IN,
      });
    }
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
  };
  walk(config, []);
  return found;
}
