import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * prodlog's own version, from the package.json of the package this file is
 * part of: the nearest one named prodlog above this file (dist/src/cli in the
 * package, src/cli in the repository).
 */
export function prodlogVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = readPackage(join(dir, 'package.json'));
    if (pkg?.name === 'prodlog' && typeof pkg.version === 'string') return pkg.version;
    if (dirname(dir) === dir) return 'unknown';
  }
}

function readPackage(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
  } catch {
    return undefined;
  }
}
