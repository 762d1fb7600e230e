/** How a size is written in a config file; error messages quote it as the example. */
export const SIZE_EXAMPLE = '10M';

const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
};

const SIZE = /^(\d+(?:\.\d+)?)\s*([BKMGT])(?:I?B)?$/i;

/**
 * "10M" to 10485760 bytes. Units are binary (K = 1024) and case-insensitive,
 * "10MB" and "10MiB" mean the same as "10M", a fraction is allowed ("1.5G").
 * A bare number is refused: in a config file "10" is too easily meant as
 * megabytes. Returns undefined for anything else, so the caller can say
 * which key was wrong.
 */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  const bytes = Math.floor(Number(match[1]) * (UNITS[match[2]!.toUpperCase()] ?? Number.NaN));
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
