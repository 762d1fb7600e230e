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
 * Jobs run one at a time. It never renames or deletes a log file: the main
 * thread does that, synchronously, so no exit can fall between the two steps.
 */
export const COMPRESS_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const { createReadStream, createWriteStream } = require('node:fs');
const { open, stat, unlink, utimes } = require('node:fs/promises');
const { pipeline } = require('node:stream/promises');
const { createGzip } = require('node:zlib');

const CHUNK = 1024 * 1024;

async function compress({ source, temp, level, mode }) {
  try {
    const { atime, mtime } = await stat(source);
    // 1 MiB chunks: with the default 64 KiB/16 KiB ones the stream machinery costs several times the deflate.
    await pipeline(createReadStream(source, { highWaterMark: CHUNK }), createGzip({ level, chunkSize: CHUNK }), createWriteStream(temp, { mode, highWaterMark: CHUNK }));
    const out = await open(temp, 'r+');
    try {
      await out.datasync();
    } finally {
      await out.close();
    }
    await utimes(temp, atime, mtime);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

let queue = Promise.resolve();
parentPort.on('message', (job) => {
  queue = queue.then(() =>
    compress(job).then(
      () => parentPort.postMessage({ id: job.id }),
      (err) => parentPort.postMessage({ id: job.id, error: { message: String(err && err.message), code: err && err.code } }),
    ),
  );
});
`;
