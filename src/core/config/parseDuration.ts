/** How a duration is written in a config file; error messages quote it as the example. */
export const DURATION_EXAMPLE = '1d';

const MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const DURATION = /^(\d+)\s*(ms|s|m|h|d|w)$/;

/**
 * "1h" to 3600000 milliseconds. Units: ms, s, m (minutes), h, d, w; lower
 * case only, so "1M" (a size) is never read as a minute or a month. Whole
 * numbers only: "1.5h" is "90m". Returns undefined for anything else, so the
 * caller can say which key was wrong.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * (MS[match[2]!] ?? Number.NaN);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}
