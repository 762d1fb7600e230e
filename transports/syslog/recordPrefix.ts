import { HEAD_KEYS } from '../../src/core/record';

/** The fields of a prodlog JSON line the syslog header needs. */
export interface RecordPrefix {
  readonly level: string;
  readonly time: string;
  readonly pid: string;
  readonly hostname: string;
}

const [LEVEL, TIME, PID, HOSTNAME] = HEAD_KEYS;

/**
 * Every record opens with level, time, pid and hostname, in that order (the
 * record contract), so the header fields are read from the start of the line
 * by one anchored regular expression instead of parsing the whole record (a
 * record can be 100 kB). A line that does not start that way (a custom
 * record) gets defaults: severity info, the time of sending.
 */
const PREFIX = new RegExp(`^\\{"${LEVEL}":"([a-z]+)","${TIME}":"([^"\\\\]{1,40})"(?:,"${PID}":(\\d{1,10}))?(?:,"${HOSTNAME}":"((?:[^"\\\\]|\\\\.){0,255})")?`);

export function readRecordPrefix(line: string): RecordPrefix {
  const m = PREFIX.exec(line);
  if (!m) return { level: 'info', time: new Date().toISOString(), pid: '', hostname: '' };
  return { level: m[1] as string, time: m[2] as string, pid: m[3] ?? '', hostname: m[4] ?? '' };
}
