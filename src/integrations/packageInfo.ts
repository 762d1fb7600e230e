import { readPackageJson } from '../core/packageJson';

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
