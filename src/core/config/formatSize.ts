const UNITS: readonly [string, number][] = [
  ['T', 1024 ** 4],
  ['G', 1024 ** 3],
  ['M', 1024 ** 2],
  ['K', 1024],
];

/**
 * Bytes in the notation sizes are configured in ("32G", "15.6G", "512M"), so
 * a message can put what was needed and what was found side by side.
 */
export function formatSize(bytes: number): string {
  for (const [unit, size] of UNITS) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))}${unit}`;
  }
  return `${Math.max(0, Math.round(bytes))}B`;
}
