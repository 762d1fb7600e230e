import type { Logger, ScheduledTask, ScheduleEvery } from '../core/Logger';
import { parseDuration } from '../core/config/parseDuration';
import { withContext } from '../core/context/logContext';

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
export function runTask<T>(log: Logger, name: string, fn: () => T | PromiseLike<T>): Promise<T> {
  // In a context, so every record the task logs, with any logger, carries `task`.
  return withContext({ task: name }, () => runInContext(log, name, fn));
}

async function runInContext<T>(log: Logger, name: string, fn: () => T | PromiseLike<T>): Promise<T> {
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

/**
 * The body of `log.schedule()`: runs `fn` as `log.task(name, fn)` every
 * `every`. Nobody awaits a scheduled run, so its failure ends at the
 * `task failed` record: a rejection left over would be an unhandled one,
 * which runs the FATAL sequence. A run still going when the next is due is
 * skipped (runs never overlap) and logged at warn with the count so far.
 * The timer is unref'd: a schedule alone does not keep the process alive.
 */
export function runSchedule(log: Logger, name: string, every: ScheduleEvery, fn: () => unknown): ScheduledTask {
  const ms = parseDuration(String(every));
  if (ms === undefined) {
    // A programming error, found where the schedule is set up, at startup.
    throw new RangeError(`log.schedule("${name}"): every ${JSON.stringify(every)} is not a duration like "60s" (units ms, s, m, h, d, w)`);
  }
  let running = false;
  let skipped = 0;
  const timer = setInterval(() => {
    if (running) {
      skipped += 1;
      log.warn('task skipped', { task: name, reason: 'the previous run is still going', skipped });
      return;
    }
    running = true;
    runTask(log, name, fn).then(
      () => (running = false),
      () => (running = false), // already logged as `task failed`
    );
  }, ms);
  timer.unref();
  return {
    get skipped() {
      return skipped;
    },
    stop: () => clearInterval(timer),
  };
}
