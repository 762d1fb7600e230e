/** The retention options of a rotating file, in bytes and milliseconds. */
export interface RetentionRules {
  /** Rotated files kept beside the active file; the active file does not count. */
  readonly maxFiles?: number | undefined;
  /** Rotated files whose last record (modification time) is older than this are deleted. */
  readonly maxAgeMs?: number | undefined;
  /** Rotated files together stay at or under this many bytes (as stored, compressed or not). */
  readonly maxTotalBytes?: number | undefined;
}

/** What retention needs to know of a rotated file. */
export interface AgedFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * The rotated files to delete under the rules, given the files oldest first.
 * Each rule is applied on its own and a file goes if any rule says so; the
 * newest files are always the ones kept.
 */
export function expiredFiles<File extends AgedFile>(oldestFirst: readonly File[], rules: RetentionRules, now: number): File[] {
  let keepFrom = 0;
  if (rules.maxFiles !== undefined) keepFrom = Math.max(keepFrom, oldestFirst.length - rules.maxFiles);
  if (rules.maxTotalBytes !== undefined) {
    let total = 0;
    for (let i = oldestFirst.length - 1; i >= 0; i--) {
      total += oldestFirst[i]!.size;
      if (total > rules.maxTotalBytes) {
        keepFrom = Math.max(keepFrom, i + 1);
        break;
      }
    }
  }
  const maxAge = rules.maxAgeMs;
  return oldestFirst.filter((file, i) => i < keepFrom || (maxAge !== undefined && now - file.mtimeMs > maxAge));
}
