import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath } from './paths';

export interface FixtureRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs test/fixtures/<name> in a fresh node process (using the built package) and waits for it. */
export function runFixture(name: string, args: readonly string[], env: Record<string, string> = {}): FixtureRun {
  const result = spawnSync(process.execPath, [fixturePath(name), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 512 * 1024 * 1024,
    timeout: 60_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `prodlog-${prefix}-`));
}

/** Every line of a JSON-lines file, parsed; throws on a broken line. */
export function readRecords(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, 'utf8');
  return parseLines(text);
}

export function parseLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
