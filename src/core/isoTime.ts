import { TIME_KEY } from './record';

/**
 * pino's `timestamp` function: the `,"time":"<ISO-8601>"` fragment of a record.
 *
 * Records logged in the same millisecond share one fragment, and within a
 * second only the milliseconds are formatted, so a date is built at most once
 * a second: `toISOString()` per record is costly (docs/design.md, "The
 * record's timestamp").
 */
export function createIsoTime(now: () => number = Date.now): () => string {
  let lastMs = NaN;
  let lastFragment = '';
  let secondStart = NaN;
  let secondPrefix = '';
  return function isoTime(): string {
    const ms = now();
    if (ms === lastMs) return lastFragment;
    const msOfSecond = ((ms % 1000) + 1000) % 1000;
    const second = ms - msOfSecond;
    if (second !== secondStart) {
      secondStart = second;
      // "2026-11-26T06:30:53." : everything up to the milliseconds
      secondPrefix = `,"${TIME_KEY}":"${new Date(second).toISOString().slice(0, -4)}`;
    }
    lastMs = ms;
    lastFragment = `${secondPrefix}${msOfSecond < 10 ? '00' : msOfSecond < 100 ? '0' : ''}${msOfSecond}Z"`;
    return lastFragment;
  };
}
