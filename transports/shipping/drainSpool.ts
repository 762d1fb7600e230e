/**
 * The FATAL drain process (started by drainInChild): reads a DrainJob on
 * stdin, opens the parent's spool (sharing the parent's lock: the parent is
 * blocked until this process ends), and sends batches until the spool is
 * empty or the deadline is near, saving the delivery position after each
 * batch so that a kill at the deadline loses no progress.
 */
import { readFileSync } from 'node:fs';
import { Backoff, DEFAULT_RETRY } from './Backoff';
import type { DrainJob } from './drainInChild';
import type { Sink } from './Sink';
import { Spool } from './Spool';

const BATCH_RECORDS = 2_000;
const BATCH_CHARS = 4 * 1024 * 1024;
/** Stop this long before the deadline, ahead of the parent's kill (50 ms before it), to save the position and exit on our own. */
const MARGIN_MS = 80;

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(0, 'utf8')) as DrainJob;
  const factory = require(job.recipe.module) as { createSink(options: unknown): Sink };
  const sink = factory.createSink(job.recipe.options);
  // Nothing is appended here: the cap and segment size only matter to a writer.
  const spool = new Spool({ dir: job.dir, maxBytes: Number.MAX_SAFE_INTEGER, segmentBytes: Number.MAX_SAFE_INTEGER, chunkChars: 1, sharedLockWith: process.ppid });
  const backoff = new Backoff({ initialMs: 20, maxMs: DEFAULT_RETRY.maxMs });
  const timeLeft = (): number => job.deadline - MARGIN_MS - Date.now();
  while (timeLeft() > 0) {
    const batch = spool.read(BATCH_RECORDS, Math.min(BATCH_CHARS, sink.maxBatchChars ?? Infinity));
    if (batch.records.length === 0) break;
    const result = await Promise.race([sink.send(batch.records), sleep(timeLeft()).then(() => null)]);
    if (!result) break;
    const done = result.error && !result.error.retryable ? batch.records.length : result.accepted;
    spool.commit(batch, done);
    spool.syncNow();
    if (result.error?.retryable) await sleep(Math.min(backoff.next(), timeLeft()));
    else backoff.reset();
  }
  spool.close();
  // Closing politely (RELP close) is worth a few ms only if there is time left.
  await Promise.race([sink.close(), sleep(Math.max(0, timeLeft()))]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`prodlog drain: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
