import { chmodSync, closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { kernelLocks } from '../shared/kernelLock';
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

/** A spool's lock, held until `release()`. */
export interface SpoolLock {
  release(): void;
}

/**
 * Takes the spool's lock: an exclusive kernel lock on `<dir>/lock` (see
 * kernelLock), which also holds the holder's pid for messages and for
 * `prodlog spool`. Two processes appending to one spool would interleave
 * segments and deliver each other's records twice, so a lock held by another
 * process, in any PID namespace, is an error; the kernel drops the lock of a
 * process that died, so a crash never blocks the restart. The file is never
 * deleted: that would let two processes lock two files of the same name.
 * Without kernel locks (the addon cannot load) it falls back to the pid in
 * the file, which cannot see across PID namespaces.
 */
export function takeLock(dir: string): SpoolLock {
  const path = resolve(dir, 'lock');
  if (heldHere.has(path)) throw new Error(`spool directory ${dir} is already used by another transport of this process; give each transport its own spool.dir`);
  const fd = openSync(path, 'a+', SPOOL_FILE_MODE);
  try {
    const api = kernelLocks();
    const holder = lockHolder(dir);
    const taken = api ? api.tryLock(fd) : !(holder && holder.pid !== process.pid && holder.running);
    if (!taken) throw new Error(`spool directory ${dir} is in use by ${holder ? `process ${holder.pid}` : 'another process'}; give each process its own spool.dir`);
    chmodSync(path, SPOOL_FILE_MODE);
    ftruncateSync(fd, 0);
    writeSync(fd, String(process.pid));
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  heldHere.add(path);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      heldHere.delete(path);
      closeSync(fd); // closing the descriptor releases the kernel lock
    },
  };
}

/**
 * Who holds the spool's lock: the pid in the lock file, and whether the lock
 * is held now. Read-only (it never takes the lock, which could refuse a
 * service starting at that moment): on Linux from /proc/locks, which lists
 * every kernel lock by inode; elsewhere by whether that pid is running.
 * Null when no lock file is there, or (Linux) when nobody holds the lock.
 */
export function lockHolder(dir: string): { readonly pid: number; readonly running: boolean } | null {
  const path = resolve(dir, 'lock');
  const pid = Number(readTextOr(path, ''));
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const held = kernelLockHeld(path);
  if (held === false) return null;
  return { pid, running: held ?? isAlive(pid) };
}

/** Whether a kernel lock is held on `path` (Linux /proc/locks), or undefined where that cannot be known. */
function kernelLockHeld(path: string): boolean | undefined {
  let table: string;
  let inode: number;
  try {
    table = readFileSync('/proc/locks', 'utf8');
    inode = statSync(path).ino;
  } catch {
    return undefined;
  }
  // Lines read "1: OFDLCK ADVISORY WRITE -1 fd:01:1835021 0 EOF": the sixth field ends with the inode.
  return table.split('\n').some((line) => line.split(/\s+/)[5]?.endsWith(`:${inode}`) === true);
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
