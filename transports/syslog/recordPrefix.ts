/** The fields of a prodlog JSON line the syslog header needs. */
export interface RecordPrefix {
  readonly level: string;
  readonly time: string;
  readonly pid: string;
  readonly hostname: string;
}

/**
 * pino writes level, time, pid and hostname first and always in that order,
 * so the header fields are read from the start of the line by one anchored
 * regular expression instead of parsing the whole record (a record can be
 * 100 kB). A line that does not start that way (a custom record) gets
 * defaults: severity info, the time of sending.
 */
const PREFIX = /^\{"level":"([a-z]+)","time":"([^"\\]{1,40})"(?:,"pid":(\d{1,10}))?(?:,"hostname":"((?:[^"\\]|\\.){0,255})")?/;

export function readRecordPrefix(line: string): RecordPrefix {
  const m = PREFIX.exec(line);
  if (!m) return { level: 'info', time: new Date().toISOString(), pid: '', hostname: '' };
  return { level: m[1] as string, time: m[2] as string, pid: m[3] ?? '', hostname: m[4] ?? '' };
}
