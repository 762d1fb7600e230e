/**
 * A module name: dot-separated parts of letters, digits, `_` and `-`
 * ("db", "http.client"). The dot nests modules; `,` and `=` stay free for
 * LOG_LEVEL's "info,db=debug" list.
 */
const MODULE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export const MODULE_NAME_WORDS = 'dot-separated names of letters, digits, "_" and "-", like "db" or "http.client"';

export function isModuleName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 200 && MODULE_NAME.test(name);
}

/** The module and its parents, longest first: "db.pool.conn", "db.pool", "db". */
export function moduleAndParents(name: string): string[] {
  const parts = name.split('.');
  const out: string[] = [];
  for (let n = parts.length; n > 0; n--) out.push(parts.slice(0, n).join('.'));
  return out;
}
