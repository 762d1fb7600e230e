import { LEVELS } from '../../../src/core/levels';
import { LEVEL_KEY, TIME_KEY } from '../../../src/core/record';
import type { LineFormat } from './LineFormat';
import { levelOfLabel, parseRecord, setField, toLine } from './recordLine';

const LEVEL_OPEN = `{"${LEVEL_KEY}":"`;
const TIME_OPEN = `","${TIME_KEY}":"`;

/**
 * pino's own record: the level as pino's number (30), `time` in
 * milliseconds since the epoch; the rest is already pino's (`pid`,
 * `hostname`, `name`, the fields, `err` with `type`, `message`, `stack`,
 * `msg` last). Only the head of the line changes, so the line is rewritten
 * as text: the label and the ISO time are replaced, the rest copied. The
 * time is parsed once per millisecond (records of one millisecond share it).
 */
export function createPinoLine(): LineFormat {
  let lastIso: string | undefined;
  let lastMs = '';
  return (line) => {
    if (!line.startsWith(LEVEL_OPEN)) return pinoRecord(line);
    const labelEnd = line.indexOf('"', LEVEL_OPEN.length);
    const level = levelOfLabel(line.slice(LEVEL_OPEN.length, labelEnd));
    if (level === undefined || !line.startsWith(TIME_OPEN, labelEnd)) return pinoRecord(line);
    const timeAt = labelEnd + TIME_OPEN.length;
    const timeEnd = line.indexOf('"', timeAt);
    if (timeEnd < 0) return pinoRecord(line);
    const iso = line.slice(timeAt, timeEnd);
    if (iso !== lastIso) {
      const ms = iso.includes('\\') ? Number.NaN : Date.parse(iso);
      if (!Number.isFinite(ms)) return pinoRecord(line);
      lastIso = iso;
      lastMs = String(ms);
    }
    return `{"${LEVEL_KEY}":${LEVELS[level]},"${TIME_KEY}":${lastMs}${line.slice(timeEnd + 1)}`;
  };
}

/** The same for a line in any other shape: parsed, the level and time converted where they can be, written anew. Exported for the tests, which hold the text path to it. */
export function pinoRecord(line: string): string {
  const record = parseRecord(line);
  if (record === undefined) return line;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (key === LEVEL_KEY) {
      const level = levelOfLabel(value);
      out[key] = level === undefined ? value : LEVELS[level];
    } else if (key === TIME_KEY && typeof value === 'string' && Number.isFinite(Date.parse(value))) {
      out[key] = Date.parse(value);
    } else {
      setField(out, key, value);
    }
  }
  return toLine(out);
}
