import { renameSync, unlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { constants } from 'node:zlib';
import { resolveWorkerFile } from '../shared/workerFile';
import { FILE_MODE } from './ActiveFile';
import type { CompressJob, CompressReply } from './compressWorker';
import { gzipPathOf, TEMP_SUFFIX } from './rotatedNames';

/**
 * Level 1 is the fastest deflate. JSON log lines repeat their keys on every
 * line, so it still shrinks them many times over (docs/design.md, "Deflate at
 * level 1").
 */
export const GZIP_LEVEL = constants.Z_BEST_SPEED;

/** A worker without jobs for this long stops, giving back its memory; the next job starts another. */
const IDLE_MS = 60_000;

interface Job {
  readonly source: string;
  readonly temp: string;
  readonly target: string;
  readonly done: Promise<void>;
  resolve(): void;
}

/**
 * Compresses rotated files in a worker thread, which goes on while the
 * service's event loop is busy (zlib's async API needs that loop for every
 * chunk).
 *
 * The worker only writes `<file>.gz.tmp`. When it reports success, the main
 * thread renames that to `<file>.gz` and deletes `<file>`, both synchronously,
 * so no exit (FATAL included) falls between the two: every record is in
 * exactly one log file whenever the process stops. A temporary file left by
 * an exit is removed at the next start.
 *
 * The worker holds the process open only while it has jobs. It runs from
 * its own file, compressWorker.js, found when the Compressor is created (see
 * resolveWorkerFile): a missing file is a ConfigError at startup, never a
 * failure at the first rotation. The reasons: docs/design.md, "The
 * compression worker".
 */
export class Compressor {
  private worker: Worker | undefined;
  /** Jobs in hand by source path: one per file, however often it is asked for. */
  private readonly jobs = new Map<string, Job>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** The worker's entry file; throws ConfigError when there is none. */
  private readonly workerFile = resolveWorkerFile('compress', __dirname);

  /** `onError` gets each failed compression, with the file when it is known. */
  constructor(private readonly onError: (err: unknown, file: string | undefined) => void) {}

  /**
   * Starts the worker ahead of the first rotation. Starting a thread blocks
   * the main thread for some milliseconds; at startup that costs nothing,
   * at the first rotation it would stall whatever the service is doing. A
   * worker without jobs for IDLE_MS stops and is started again when needed.
   */
  prestart(): void {
    try {
      this.startedWorker();
      this.stopWhenIdle();
    } catch (err) {
      this.onError(err, undefined);
    }
  }

  get pending(): number {
    return this.jobs.size;
  }

  busyWith(source: string): boolean {
    return this.jobs.has(source);
  }

  /** Resolves once `source` is replaced by `source.gz`, or the failure has been reported. */
  compress(source: string): Promise<void> {
    const queued = this.jobs.get(source);
    if (queued) return queued.done;
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const target = gzipPathOf(source);
    const job: Job = { source, temp: target + TEMP_SUFFIX, target, done, resolve };
    let worker: Worker;
    try {
      worker = this.startedWorker();
    } catch (err) {
      this.onError(err, source);
      return Promise.resolve();
    }
    this.jobs.set(source, job);
    clearTimeout(this.idleTimer);
    worker.ref();
    const message: CompressJob = { source, temp: job.temp, level: GZIP_LEVEL, mode: FILE_MODE };
    worker.postMessage(message);
    return done;
  }

  /** Waits for the jobs in hand, then stops the worker. */
  async close(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.done));
    await this.stop();
  }

  private async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private stopWhenIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), IDLE_MS);
    this.idleTimer.unref();
  }

  private startedWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerFile);
    worker.unref(); // held open only while it has jobs
    worker.on('message', (reply: CompressReply) => this.finish(worker, reply));
    worker.on('error', (err) => this.abandon(worker, err));
    worker.on('exit', () => this.abandon(worker, undefined));
    this.worker = worker;
    return worker;
  }

  private finish(worker: Worker, { source, error }: CompressReply): void {
    // A reply from a worker already abandoned is not about the job a new
    // worker may now have for the same file: committing it would rename a
    // temporary file still being written.
    if (this.worker !== worker) return;
    const job = this.jobs.get(source);
    if (!job) return;
    if (error) this.onError(Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code }), job.source);
    else this.commit(job);
    this.settle(job);
  }

  /** The only step that changes which log files exist: synchronous, so nothing can stop between its two calls. */
  private commit(job: Job): void {
    try {
      renameSync(job.temp, job.target);
      unlinkSync(job.source);
    } catch (err) {
      this.onError(err, job.source);
    }
  }

  private settle(job: Job): void {
    this.jobs.delete(job.source);
    if (this.jobs.size === 0) {
      this.worker?.unref();
      this.stopWhenIdle();
    }
    job.resolve();
  }

  /** A worker that died leaves its files uncompressed; the next housekeeping pass starts a new one. */
  private abandon(worker: Worker, err: unknown): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const jobs = [...this.jobs.values()];
    if (jobs.length === 0 && err !== undefined) this.onError(err, undefined);
    for (const job of jobs) {
      this.onError(err ?? new Error('the compression worker stopped'), job.source);
      this.settle(job);
    }
  }
}
