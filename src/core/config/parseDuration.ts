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
 * "1h" to 3600000 milliseconds, "0s" to 0. Units: ms, s, m (minutes), h, d,
 * w; lower case only, so "1M" (a size) is never read as a minute or a month.
 * Whole numbers only: "1.5h" is "90m". A bare number is refused: "10" does
 * not say whether it is milliseconds or days. Returns undefined for anything
 * else, so the caller can say which key was wrong.
 */
export function parseDurationOrZero(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * (MS[match[2]!] ?? Number.NaN);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** parseDurationOrZero for a duration that must be longer than nothing ("14d", never "0d"). */
export function parseDuration(text: string): number | undefined {
  const ms = parseDurationOrZero(text);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

const LARGEST_FIRST = Object.entries(MS)
  .filter(([unit]) => unit !== 'w')
  .sort((a, b) => b[1] - a[1]);

/**
 * Milliseconds in the notation durations are configured in, exactly:
 * 600000 is "10m", 1500 is "1500ms". Messages state bounds with it, and a
 * deprecation notice the value to write instead.
 */
export function formatDuration(ms: number): string {
  for (const [unit, size] of LARGEST_FIRST) {
    if (ms > 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
