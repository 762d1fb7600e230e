import { dirname } from 'node:path';
import { readPackageJson } from '../core/packageJson';

/**
 * prodlog's own version, from the package.json of the package this file is
 * part of: the nearest one named prodlog above this file (dist/src/cli in the
 * package, src/cli in the repository).
 */
export function prodlogVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = readPackageJson(dir);
    if (pkg?.name === 'prodlog' && typeof pkg.version === 'string') return pkg.version;
    if (dirname(dir) === dir) return 'unknown';
  }
}
