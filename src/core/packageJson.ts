import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PackageJson {
  readonly name?: unknown;
  readonly version?: unknown;
}

/** The package.json in `folder`, if there is one that parses. */
export function readPackageJson(folder: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}
