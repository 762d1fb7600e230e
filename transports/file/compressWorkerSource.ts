/**
 * The code of the compression worker thread, as source text run with
 * `new Worker(source, { eval: true })`. A worker loaded from a file path
 * breaks where that path is not plain JavaScript on disk: under ts-jest the
 * .ts file is never transformed inside the worker, and bundlers drop or move
 * it. Text needs nothing but Node's own modules.
 *
 * For each job it gzips `source` into `temp`, flushes it to disk (fdatasync, so a
 * power cut after the source is deleted cannot leave an empty .gz) and gives it the source's
 * modification time (the time of its last record, which maxAge goes by).
 * Files are deflated one at a time, in order. It never renames or deletes a log file: the main
 * thread does that, synchronously, so no exit can fall between the two steps.
 */
export const COMPRESS_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { closeSync, fdatasync, fstatSync, futimesSync, openSync, readSync, unlinkSync, writeSync } = require('node:fs');
const { gzipSync } = require('node:zlib');

// Deflate is synchronous: this thread has nothing else to do, and a stream
// pipeline (buffer copies, a callback per chunk) costs more than the deflate
// itself. A file larger than BLOCK is written as several gzip members one
// after the other, which every gunzip reads as one stream; it bounds memory.
// The flush to disk is asynchronous, so the next file is compressed while
// the disk works on the last one.
const BLOCK = 16 * 1024 * 1024;
let block = Buffer.alloc(0); // grown to the largest file seen, up to BLOCK, and reused

function writeAll(fd, buf) {
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

/** Gzips job.source into job.temp; returns the open temp descriptor and the source's times. */
function deflateToTemp({ source, temp, level, mode }) {
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

function removeTemp(temp) {
  try {
    unlinkSync(temp);
  } catch {}
}

function reply(job, err) {
  parentPort.postMessage(err ? { source: job.source, error: { message: String(err && err.message), code: err && err.code } } : { source: job.source });
}

function finish(job, { out, atime, mtime }, syncError) {
  let err = syncError;
  try {
    if (!err) futimesSync(out, atime, mtime);
  } catch (e) {
    err = e;
  }
  try {
    closeSync(out);
  } catch {}
  if (err) removeTemp(job.temp);
  reply(job, err);
}

const queue = [];
let running = false;

function next() {
  const job = queue.shift();
  if (!job) {
    running = false;
    return;
  }
  running = true;
  try {
    const written = deflateToTemp(job);
    fdatasync(written.out, (err) => finish(job, written, err));
  } catch (err) {
    reply(job, err);
  }
  setImmediate(next);
}

parentPort.on('message', (job) => {
  queue.push(job);
  if (!running) next();
});
`;
