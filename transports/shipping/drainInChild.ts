import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { SinkRecipe } from './Sink';

export interface DrainJob {
  readonly dir: string;
  readonly recipe: SinkRecipe;
  /** Milliseconds since the epoch. */
  readonly deadline: number;
}

/**
 * The child is killed this long before the deadline: reaping a killed process
 * and getting back to the exit takes a few ms, more on a busy machine, and
 * the exit must not come later than the deadline.
 */
const KILL_MARGIN_MS = 50;

/** The compiled entry point of the drain process (this folder in dist/). */
export const DRAIN_SCRIPT = join(__dirname, 'drainSpool.js');

/**
 * Delivers what is in the spool before a FATAL exit, synchronously and never
 * past `deadline`, by running drainSpool.js in a child process and waiting
 * for it with spawnSync.
 *
 * Why a child process and not a worker thread woken with Atomics.wait: both
 * let network I/O run while this thread is blocked, but the child (1) is
 * bounded by the kernel: spawnSync kills it with SIGKILL at the deadline
 * whatever it is doing, and this process is never stuck behind it; (2) does
 * not share the crashing process's state: a worker shares its heap limit (an
 * out-of-memory FATAL), its libuv thread pool (DNS and file work queued by
 * the application would block the worker's), and any global the crash left
 * broken; (3) costs nothing until a FATAL happens, where a worker would have
 * to be kept running in every process to be ready in time. The price is the
 * start of a node process, about 50 ms of the deadline, paid only on the way
 * out. The parent's own send in flight is redone by the child from the saved
 * position, so a receiver may see a few records twice (same ids).
 *
 * Returns an error to count in health, or null.
 */
export function drainInChild(job: DrainJob): Error | null {
  const remaining = Math.floor(job.deadline - Date.now()) - KILL_MARGIN_MS;
  if (remaining <= 0) return null;
  const result = spawnSync(process.execPath, [DRAIN_SCRIPT], {
    input: JSON.stringify(job),
    timeout: remaining,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'ignore', 'pipe'],
    encoding: 'utf8',
    windowsHide: true,
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') return result.error;
  if (result.signal === 'SIGKILL') return Object.assign(new Error('the FATAL drain reached its deadline'), { code: 'EDRAINTIMEOUT' });
  if (result.status !== 0) return new Error(`the FATAL drain failed: ${String(result.stderr).trim().slice(0, 500)}`);
  return null;
}
