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

/**
 * Bytes as a size string that reads back to the same number: 1048576 is
 * "1M", 1000 is "1000B". Bounds in messages and the value a deprecation
 * notice asks for are written with it.
 */
export function formatSizeExactly(bytes: number): string {
  for (const [unit, size] of UNITS) {
    if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}
