import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

/** Spool files hold whole log records: readable and writable by the owner only. */
export const SPOOL_FILE_MODE = 0o600;
const SEGMENT_SUFFIX = '.seg';

/** One segment file: `bytes` is how much of it is known to be written. */
export interface Segment {
  /** The file name without ".seg"; record ids start with it. */
  readonly base: string;
  readonly path: string;
  bytes: number;
}

let segmentCounter = 0;

/**
 * A segment name that sorts after every earlier one (milliseconds since the
 * epoch, then a per-process counter, both fixed-width base 36) and is unique
 * across processes (a random suffix). Record ids are `<segment name>.<index>`,
 * so ids never repeat even after every segment of a spool was delivered and
 * deleted, while a redelivered record carries the id it had the first time.
 */
export function newSegmentBase(now: number = Date.now()): string {
  segmentCounter = (segmentCounter + 1) % 36 ** 4;
  return `${now.toString(36).padStart(9, '0')}${segmentCounter.toString(36).padStart(4, '0')}-${randomBytes(3).toString('hex')}`;
}

export function ensureSpoolDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** The segments in `dir`, oldest first. */
export function listSegments(dir: string): Segment[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(SEGMENT_SUFFIX))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      return { base: f.slice(0, -SEGMENT_SUFFIX.length), path, bytes: statSync(path).size };
    });
}

export function segmentPath(dir: string, base: string): string {
  return join(dir, base + SEGMENT_SUFFIX);
}

/** Opens a new segment for appending, created 0600 whatever the umask. */
export function createSegmentFile(path: string): number {
  const fd = openSync(path, 'wx', SPOOL_FILE_MODE);
  chmodSync(path, SPOOL_FILE_MODE);
  return fd;
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Lock files this process holds (one per open spool). */
const heldHere = new Set<string>();

/**
 * Takes the spool's lock file, holding this process's pid. Two live processes
 * appending to one spool would interleave segments and deliver each other's
 * records twice, so a lock held by a live process other than `sharedWith`
 * (the parent of a FATAL drain, which waits for it) is an error; a lock left
 * by a dead process (kill -9, crash) is taken over.
 */
export function takeLock(dir: string, sharedWith?: number): void {
  const path = resolve(dir, 'lock');
  if (heldHere.has(path)) throw new Error(`spool directory ${dir} is already used by another transport of this process; give each transport its own spool.dir`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', SPOOL_FILE_MODE);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(path);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = lockHolder(dir);
    if (holder?.pid === sharedWith) return;
    // Our own pid without our own hold: left by an earlier process that had this pid.
    if (holder && holder.pid !== process.pid && holder.running) {
      throw new Error(`spool directory ${dir} is in use by process ${holder.pid}; give each process its own spool.dir`);
    }
    removeFile(path);
  }
  throw new Error(`could not take the lock of spool directory ${dir}`);
}

export function releaseLock(dir: string): void {
  const path = resolve(dir, 'lock');
  heldHere.delete(path);
  if (readTextOr(path, '') === String(process.pid)) removeFile(path);
}

/** The pid in the spool's lock file and whether that process is running; null without a readable lock. */
export function lockHolder(dir: string): { readonly pid: number; readonly running: boolean } | null {
  const pid = Number(readTextOr(resolve(dir, 'lock'), ''));
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, running: isAlive(pid) };
}

function readTextOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
