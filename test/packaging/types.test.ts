import { execFileSync } from 'node:child_process';
import { REPO } from '../support/paths';

function tsc(project: string): { ok: boolean; output: string } {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], { cwd: REPO, encoding: 'utf8', stdio: 'pipe' });
    return { ok: true, output: '' };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('the public types are part of the contract', () => {
  // test/packaging/types/api.ts holds the type-level cases: every `@ts-expect-error`
  // there must be a real error (tsc reports unused ones), the rest must compile.
  it('test/packaging/types/api.ts compiles with every expected error present', () => {
    const result = tsc('test/packaging/types/tsconfig.json');
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });
});
