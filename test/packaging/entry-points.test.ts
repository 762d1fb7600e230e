import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/paths';
import { runFixture } from '../support/run-fixture';

describe('the package', () => {
  it.each([
    ['import from an ES module', 'esm-import.mjs', 'from esm'],
    ['require from CommonJS', 'cjs-require.js', 'from cjs'],
  ])('serves %s, with the testing helpers', (_how, fixture, msg) => {
    const run = runFixture(fixture, []);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ msg, fatal: 60, configError: 'function' });
  });

  it('ships type declarations for both entry points', () => {
    const pkg = require('../../package.json') as { exports: Record<string, { types: string }> };
    for (const entry of ['.', './testing']) expect(existsSync(join(REPO, pkg.exports[entry]!.types))).toBe(true);
  });
});
