/** Syslog severities by prodlog level name (RFC 5424 section 6.2.1). */
export const SEVERITY: Readonly<Record<string, number>> = { debug: 7, info: 6, warn: 4, error: 3, fatal: 2 };

/** RFC 5424 facility codes by name. */
export const FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, audit: 13, alert: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21,
  local6: 22, local7: 23,
} as const;

export type FacilityName = keyof typeof FACILITIES;

/**
 * A header field as RFC 5424 allows it: printable US-ASCII without spaces,
 * at most `max` characters, "-" (NILVALUE) when empty.
 */
export function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** An SD-NAME (SD-ID or PARAM-NAME): 1-32 printable US-ASCII characters except '=', ' ', ']' and '"'. */
export function isSdName(name: string): boolean {
  return /^[\x21-\x7e]{1,32}$/.test(name) && !/[= \]"]/.test(name);
}

/** PARAM-VALUE escaping (RFC 5424 section 6.3.3): '"', '\' and ']' are preceded by a backslash. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, '\\$&');
}

/** `[id name="value" ...]` for one SD-ELEMENT; names must already be valid SD-NAMEs. */
export function sdElement(id: string, params: Readonly<Record<string, string>>): string {
  let out = `[${id}`;
  for (const [name, value] of Object.entries(params)) out += ` ${name}="${escapeParamValue(value)}"`;
  return `${out}]`;
}
