import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/paths';

const semver = require('semver') as { minVersion(range: string): { version: string } | null; satisfies(version: string, range: string): boolean; gte(a: string, b: string): boolean };

interface LockEntry {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
const minimum = semver.minVersion(pkg.engines.node)!.version;

describe('the Node.js versions the package claims', () => {
  it('start no earlier than the newest Node API used: crc32 from node:zlib (the spool) came in 20.15', () => {
    expect(semver.gte(minimum, '20.15.0')).toBe(true);
  });

  // npm ci warns EBADENGINE for every locked package whose engines exclude the running Node.
  it(`install on the minimum, Node ${minimum}, without an EBADENGINE warning: every locked package accepts it`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && !Array.isArray(entry.engines))
      .map(([path, entry]) => ({ path, range: (entry.engines as { node?: string } | undefined)?.node }))
      .filter((p): p is { path: string; range: string } => p.range !== undefined && !semver.satisfies(minimum, p.range))
      .map((p) => `${p.path} needs node ${p.range}`);
    expect(refusing).toEqual([]);
  });
});
