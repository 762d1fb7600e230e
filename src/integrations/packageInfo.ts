import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PackageJson {
  readonly name?: unknown;
  readonly version?: unknown;
}

/** The service's package.json in the working directory, if there is one. */
function readPackageJson(cwd: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The default logger name: the service's package name, without an npm scope. */
export function packageName(cwd: string = process.cwd()): string | undefined {
  const name = readPackageJson(cwd)?.name;
  return typeof name === 'string' && name !== '' ? name.replace(/^@[^/]+\//, '') : undefined;
}

/** The service's version, for the startup record. */
export function packageVersion(cwd: string = process.cwd()): string | undefined {
  const version = readPackageJson(cwd)?.version;
  return typeof version === 'string' && version !== '' ? version : undefined;
}
