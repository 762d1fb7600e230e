import { statSync, type Stats } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/**
 * Why `path` cannot be a log file, in words for the ConfigError, or
 * undefined. Checked when the configuration is read, so that a folder, or a
 * path under a file, is named with its key at startup (and by `prodlog
 * check`) rather than met as a raw EISDIR from open or EEXIST from mkdir.
 * Only what is on disk now is checked; folders that do not exist yet are
 * created when the transport opens the file.
 */
export function logPathProblem(path: string): string | undefined {
  const example = (folder: string): string => `the path names the log file, like ${JSON.stringify(join(folder, 'app.log'))}`;
  if (path.endsWith('/') || path.endsWith(sep)) return `ends in "${path.slice(-1)}": ${example(path)}`;
  if (statOf(path)?.isDirectory()) return `is a folder: ${example(path)}`;
  // The nearest folder on the path that exists must be a folder, not a file.
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const st = statOf(dir);
    if (st !== undefined) return st.isDirectory() ? undefined : `is inside ${JSON.stringify(dir)}, which is a file, not a folder`;
    if (dirname(dir) === dir) return undefined;
  }
}

/** undefined when nothing is there, also when a file stands where a folder of the path should be (ENOTDIR). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
