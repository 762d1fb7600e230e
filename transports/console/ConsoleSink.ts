import { writeSync } from 'node:fs';
import { writeStderr } from '../../src/core/writeStderr';
import type { HealthCounters } from '../shared/HealthCounters';
import { countLines } from '../shared/SyncChunkWriter';
import { encodeUtf8Scratch } from '../shared/utf8Scratch';

/** What the console does when the reader of its stream does not keep up: wait for it, or drop records. */
export type WhenFull = 'block' | 'drop';

/**
 * With `drop`: how long, in all, the writes of one event-loop turn may wait
 * for a full pipe before records are dropped. It bounds the stall every
 * request of the service sees while the reader is behind; a pipe that is
 * merely busy usually drains within a few milliseconds.
 */
export const TICK_BUDGET_MS = 10;
/**
 * On the way out (close, or FATAL, a crash, process.exit: flushSync), how long
 * the last records may wait in all: the service is ending, so waiting delays
 * only the end, and the last records are the ones that say why.
 */
export const EXIT_BUDGET_MS = 1000;

/** The outside world of the sink; tests pass a fake pipe and clock. */
export interface SinkIo {
  write(fd: number, buf: Buffer, offset: number, length: number): number;
  /** Milliseconds, monotonic. */
  now(): number;
  /** Blocks the thread for `ms`. */
  sleep(ms: number): void;
  /** Runs `fn` once the current event-loop turn is over (and lets the process exit before). */
  afterTurn(fn: () => void): void;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

export const realIo: SinkIo = {
  write: (fd, buf, offset, length) => writeSync(fd, buf, offset, length),
  now: () => performance.now(),
  sleep: (ms) => void Atomics.wait(sleeper, 0, 0, ms),
  afterTurn: (fn) => void setImmediate(fn).unref(),
};

/** A chunk a full pipe took only part of: the rest goes out before anything else, so no record is torn. */
interface Owed {
  /** The rest of the chunk, from where the pipe stopped taking it. */
  readonly buf: Buffer;
  offset: number;
  readonly records: number;
  /** With one line per record (JSON lines, not pretty output): the records the pipe took whole before `buf`. */
  readonly wholeBefore: number | undefined;
}

/**
 * Writes chunks of records to stdout or stderr (a descriptor that is never
 * reopened). A non-blocking pipe whose reader is behind answers EAGAIN; the
 * sink then waits in steps of a millisecond:
 *
 * - `block`: until the reader takes the chunk (as a blocking pipe would);
 * - `drop`: at most TICK_BUDGET_MS per event-loop turn in all. Past it, a
 *   chunk nothing of which was taken is dropped: its records are counted in
 *   `dropped`, which is reported once on stderr. A chunk taken in part is
 *   kept (one chunk at most, about 64 KiB) and finished first, before any
 *   later chunk, so the reader never gets a torn record; its records count
 *   as written once all of it is out. Only if the transport closes, or the
 *   process exits, and the reader still does not take the rest within
 *   EXIT_BUDGET_MS, is the reader's last line cut short.
 *
 * A closed pipe (EPIPE) or any other error counts the chunk's records as
 * failed; it never throws.
 */
export class ConsoleSink {
  private owed: Owed | undefined;
  private budgetMs = TICK_BUDGET_MS;
  private waitedMs = 0;
  private turnEnding = false;
  private dropReported = false;

  constructor(
    private readonly fd: number,
    private readonly streamName: string,
    private readonly counters: HealthCounters,
    private readonly whenFull: WhenFull,
    private readonly io: SinkIo = realIo,
    private readonly stderr: (text: string) => void = writeStderr,
  ) {}

  /** The ChunkSink: `records` records in `data`, written, kept or dropped. Never throws. */
  readonly write = (data: string, records: number): void => {
    if (!this.finishOwed()) {
      this.drop(records);
      return;
    }
    const buf = encodeUtf8Scratch(data);
    const { offset, error } = this.put(buf, 0);
    if (error === undefined) {
      this.counters.recordSuccess(records);
    } else if (!isFull(error)) {
      this.counters.recordFailure(error, records);
    } else if (offset > 0) {
      // The scratch buffer is reused by the next chunk: keep a copy of the rest.
      const oneLineEach = countLines(buf, 0, buf.length) === records;
      this.owed = { buf: Buffer.from(buf.subarray(offset)), offset: 0, records, wholeBefore: oneLineEach ? countLines(buf, 0, offset) : undefined };
    } else {
      this.drop(records);
    }
  };

  /** Writes out what a full pipe left owed, within the budget of this turn. True when nothing is owed any more. */
  finishOwed(): boolean {
    const owed = this.owed;
    if (owed === undefined) return true;
    const { offset, error } = this.put(owed.buf, owed.offset);
    owed.offset = offset;
    if (error !== undefined && isFull(error)) return false;
    this.owed = undefined;
    if (error === undefined) this.counters.recordSuccess(owed.records);
    else this.counters.recordFailure(error, owed.records);
    return true;
  }

  /**
   * The last write (close, FATAL, a crash, an exit): `writeOut` and what is owed may wait
   * EXIT_BUDGET_MS in all; what the reader has not taken by then is counted as dropped.
   */
  last(writeOut: () => void): void {
    this.budgetMs = EXIT_BUDGET_MS;
    this.waitedMs = 0;
    try {
      this.finishOwed();
      writeOut();
      this.giveUpOwed();
    } finally {
      this.budgetMs = TICK_BUDGET_MS;
    }
  }

  /**
   * The reader still has not taken the rest: the records it did take whole count as written
   * (known only with one line per record), the others as dropped; the one cut short stays so.
   */
  private giveUpOwed(): void {
    if (this.finishOwed()) return;
    const { buf, offset, records, wholeBefore } = this.owed!;
    this.owed = undefined;
    const taken = wholeBefore === undefined ? 0 : wholeBefore + countLines(buf, 0, offset);
    if (taken > 0) this.counters.written += taken;
    if (taken < records) this.drop(records - taken);
  }

  /** Writes `buf` from `offset` as far as the reader and the budget allow. */
  private put(buf: Buffer, from: number): { offset: number; error?: unknown } {
    let offset = from;
    while (offset < buf.length) {
      try {
        offset += this.io.write(this.fd, buf, offset, buf.length - offset);
      } catch (error) {
        if (!isFull(error) || !this.mayWait()) return { offset, error };
        const start = this.io.now();
        this.io.sleep(1);
        this.waitedMs += this.io.now() - start;
      }
    }
    return { offset };
  }

  private mayWait(): boolean {
    if (this.whenFull === 'block') return true;
    if (!this.turnEnding) {
      // The budget is per turn: it is renewed once this one is over.
      this.turnEnding = true;
      this.io.afterTurn(() => {
        this.turnEnding = false;
        this.waitedMs = 0;
      });
    }
    return this.waitedMs < this.budgetMs;
  }

  private drop(records: number): void {
    const counters = this.counters;
    counters.dropped += records;
    counters.failing = true;
    counters.lastError = `EAGAIN: the reader of ${this.streamName} is not keeping up; ${counters.dropped} records dropped`;
    counters.lastErrorAt = new Date().toISOString();
    if (this.dropReported) return;
    this.dropReported = true;
    this.stderr(
      `prodlog: ${counters.name}: the reader of ${this.streamName} is not keeping up: ${records} records dropped rather than ` +
        `blocking the service (further drops are counted in health().dropped, not printed; whenFull: "block" waits instead)\n`,
    );
  }
}

function isFull(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EAGAIN';
}
