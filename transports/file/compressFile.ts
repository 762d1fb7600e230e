import { createReadStream, createWriteStream, existsSync, unlinkSync } from 'node:fs';
import { open, rename, stat, unlink, utimes } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { FILE_MODE } from './ActiveFile';
import { gzipPathOf, TEMP_SUFFIX } from './rotatedNames';

/**
 * Level 1 is the fastest deflate. JSON log lines repeat their keys on every
 * line, so it still shrinks them several times over, and it costs a fraction
 * of the CPU of the default level 6 while the service is logging.
 */
export const GZIP_LEVEL = constants.Z_BEST_SPEED;

/** One rotated file being compressed: what settleCompression needs to know. */
export interface CompressionJob {
  readonly source: string;
  readonly temp: string;
  readonly target: string;
}

export function compressionJob(source: string): CompressionJob {
  const target = gzipPathOf(source);
  return { source, temp: target + TEMP_SUFFIX, target };
}

/**
 * Compresses a rotated file to `<file>.gz`. The order of steps is what keeps
 * every record in exactly one file whenever the process stops:
 *
 * 1. gzip into `<file>.gz.tmp` (not a log file name: readers and retention
 *    ignore it), fsync it, and give it the source's modification time (the
 *    time of its last record, which maxAge goes by);
 * 2. rename it to `<file>.gz`: atomic, so a `.gz` file is always complete;
 * 3. delete the source.
 *
 * Between 2 and 3 both exist; settleCompression (FATAL) and the next start
 * resolve that by deleting the source, since a complete `.gz` twin exists.
 */
export async function compressFile(job: CompressionJob): Promise<void> {
  try {
    const { atime, mtime } = await stat(job.source);
    // Streams by path, not FileHandle streams: a FileHandle under a stream with autoClose off never closes.
    await pipeline(createReadStream(job.source), createGzip({ level: GZIP_LEVEL }), createWriteStream(job.temp, { mode: FILE_MODE }));
    // Without fsync a power cut after step 3 could leave an empty .gz and no source.
    const out = await open(job.temp, 'r+');
    try {
      await out.sync();
    } finally {
      await out.close();
    }
    await utimes(job.temp, atime, mtime);
  } catch (err) {
    await unlink(job.temp).catch(() => undefined);
    throw err;
  }
  await rename(job.temp, job.target);
  await unlink(job.source);
}

/**
 * Makes the files of an interrupted compression hold each record exactly
 * once, synchronously, for FATAL and exit. Only operations already handed to
 * the thread pool can still land while the main thread is here, and of those
 * only the rename of step 2 matters: deleting the temporary file first makes
 * a rename that has not happened yet impossible, and a rename that did happen
 * shows as a complete `.gz`, whose source is then deleted.
 */
export function settleCompression(job: CompressionJob): void {
  try {
    unlinkSync(job.temp);
  } catch {
    // not there: never created, or already renamed to the target
  }
  if (!existsSync(job.target)) return;
  try {
    unlinkSync(job.source);
  } catch {
    // already deleted by step 3
  }
}
