/**
 * Monday 1970-01-05 00:00 UTC. Periods are counted from here, so "1h" starts
 * on the hour, "1d" at midnight UTC and "7d" on Mondays, and a restart lands
 * in the same period as before (a period counted from the start of the
 * process would move with every restart).
 */
const ORIGIN = Date.UTC(1970, 0, 5);

/** The start of the rotation period of length `intervalMs` that contains `ms`. */
export function periodStart(ms: number, intervalMs: number): number {
  return ORIGIN + Math.floor((ms - ORIGIN) / intervalMs) * intervalMs;
}
