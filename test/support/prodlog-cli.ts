import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './paths';

/** The command-line tool, bin/prodlog.js. */
export const BIN = join(REPO, 'bin', 'prodlog.js');

/** Runs `prodlog <args>` with `input` on stdin (and LOG_LEVEL and PRODLOG_CONFIG unset, or as `env` says) and waits for it. */
export function cli(
  args: readonly string[],
  input = '',
  options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>> } = {},
): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, LOG_LEVEL: '', PRODLOG_CONFIG: '', ...options.env };
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One record as prodlog writes it, at a fixed time. */
export const record = (msg: string, level = 'info'): string => JSON.stringify({ level, time: '2026-11-26T06:00:00.000Z', pid: 1, hostname: 'h', name: 'svc', msg });
