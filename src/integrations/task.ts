import type { Logger } from '../core/Logger';

/** Milliseconds since `start`, to the microsecond: enough for a task, short in the record. */
export function elapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

/**
 * The body of `log.task()`: a scheduled task logs its start and end at info
 * (the levels' meaning: a system operation ran) and its failure at error.
 * The failure is rethrown, so the scheduler still sees it; a synchronous
 * throw is treated like a rejection.
 */
export async function runTask<T>(log: Logger, name: string, fn: () => T | PromiseLike<T>): Promise<T> {
  log.info('task started', { task: name });
  const start = performance.now();
  try {
    const result = await fn();
    log.info('task finished', { task: name, durationMs: elapsedMs(start) });
    return result;
  } catch (err) {
    log.error('task failed', { task: name, durationMs: elapsedMs(start), err });
    throw err;
  }
}
