import { spawn, type ChildProcess } from 'node:child_process';
import { fixturePath } from './paths';

export interface FixtureResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fixture from test/fixtures running in its own node process, with its output collected. */
export interface RunningFixture {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line that matches. */
  line(match: RegExp): Promise<string>;
  /** Resolves when the process has ended. */
  readonly done: Promise<FixtureResult>;
}

export function startFixture(name: string, args: readonly string[]): RunningFixture {
  const child = spawn(process.execPath, [fixturePath(name), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of [...waiters]) {
      const line = stdout.split('\n').find((l) => w.match.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<FixtureResult>((resolve) => {
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    line(match) {
      const found = stdout.split('\n').find((l) => match.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void done.then((r) => reject(new Error(`${name} ended (${r.status ?? r.signal}) before printing ${match}: ${r.stderr}`)));
      });
    },
  };
}

export function runFixture(name: string, args: readonly string[]): Promise<FixtureResult> {
  return startFixture(name, args).done;
}
