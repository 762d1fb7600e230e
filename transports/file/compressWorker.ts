/**
 * The compression worker thread (started by Compressor from the compiled
 * file, compressWorker.js; docs/design.md says why it is a file of its own).
 *
 * For each job it gzips `source` into `temp`, flushes it to disk (fdatasync,
 * so a power cut after the source is deleted cannot leave an empty .gz) and
 * gives it the source's modification time (the time of its last record,
 * which maxAge goes by). Files are deflated one at a time, in order. It
 * never renames or deletes a log file: the main thread does that,
 * synchronously, so no exit can fall between the two steps.
 *
 * It imports nothing but Node's own modules, so it bundles as it is.
 */
import { closeSync, fdatasync, fstatSync, futimesSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { parentPort, type MessagePort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';

/** A job as Compressor posts it. */
export interface CompressJob {
  readonly source: string;
  readonly temp: string;
  readonly level: number;
  readonly mode: number;
}

/** The reply for each job: the source alone on success, with the error otherwise. */
export interface CompressReply {
  readonly source: string;
  readonly error?: { readonly message: string; readonly code?: string };
}

interface Deflated {
  readonly out: number;
  readonly atime: Date;
  readonly mtime: Date;
}

// Deflate is synchronous: this thread has nothing else to do (docs/design.md,
// "The compression worker"). A file larger than BLOCK is written as several
// gzip members one after the other, which every gunzip reads as one stream;
// it bounds memory. The flush to disk is asynchronous, so the next file is
// compressed while the disk works on the last one.
const BLOCK = 16 * 1024 * 1024;
let block = Buffer.alloc(0); // grown to the largest file seen, up to BLOCK, and reused

function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

/** Gzips job.source into job.temp; returns the open temp descriptor and the source's times. */
function deflateToTemp({ source, temp, level, mode }: CompressJob): Deflated {
  const src = openSync(source, 'r');
  let out = -1;
  try {
    const { atime, mtime, size } = fstatSync(src);
    out = openSync(temp, 'w', mode);
    if (block.length < Math.min(size, BLOCK)) block = Buffer.allocUnsafe(Math.min(size, BLOCK));
    let members = 0;
    for (;;) {
      let filled = 0;
      while (filled < block.length) {
        const n = readSync(src, block, filled, block.length - filled, null);
        if (n === 0) break;
        filled += n;
      }
      if (filled === 0) break;
      writeAll(out, gzipSync(block.subarray(0, filled), { level }));
      members++;
      if (filled < block.length) break;
    }
    if (members === 0) writeAll(out, gzipSync(Buffer.alloc(0), { level })); // an empty file is not gzip
    return { out, atime, mtime };
  } catch (err) {
    if (out >= 0) closeSync(out);
    removeTemp(temp);
    throw err;
  } finally {
    closeSync(src);
  }
}

function removeTemp(temp: string): void {
  try {
    unlinkSync(temp);
  } catch {
    // already gone, or never created
  }
}

function reply(port: MessagePort, job: CompressJob, err: unknown): void {
  let message: CompressReply = { source: job.source };
  if (err) {
    const { message: text, code } = err as Partial<NodeJS.ErrnoException>;
    message = { source: job.source, error: { message: String(text), ...(code === undefined ? {} : { code }) } };
  }
  port.postMessage(message);
}

function finish(port: MessagePort, job: CompressJob, { out, atime, mtime }: Deflated, syncError: unknown): void {
  let err = syncError;
  try {
    if (!err) futimesSync(out, atime, mtime);
  } catch (e) {
    err = e;
  }
  try {
    closeSync(out);
  } catch {
    // the data is flushed or the error already reported
  }
  if (err) removeTemp(job.temp);
  reply(port, job, err);
}

/** Takes jobs from `port` and deflates them one at a time, in the order they came. */
function serve(port: MessagePort): void {
  const queue: CompressJob[] = [];
  let running = false;

  function next(): void {
    const job = queue.shift();
    if (!job) {
      running = false;
      return;
    }
    running = true;
    try {
      const written = deflateToTemp(job);
      fdatasync(written.out, (err) => finish(port, job, written, err));
    } catch (err) {
      reply(port, job, err);
    }
    setImmediate(next);
  }

  port.on('message', (job: CompressJob) => {
    queue.push(job);
    if (!running) next();
  });
}

if (parentPort) serve(parentPort);
