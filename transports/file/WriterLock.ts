import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { FileInUseError } from './FileInUseError';
import { FILE_MODE } from './ActiveFile';
import { writeStderr } from '../shared/writeStderr';

interface NativeLocks {
  tryLock(fd: number): boolean;
  unlock(fd: number): void;
}

let native: NativeLocks | null | undefined;

/**
 * fs-native-extensions takes a kernel lock (open file description lock on
 * Linux, flock on macOS, LockFileEx on Windows). A kernel lock is released by
 * the kernel when its process dies, even by SIGKILL, so a crash never leaves
 * a stale lock that blocks the restart; a pid in a lock file (checked with
 * kill 0) cannot tell a live process from a reused pid or another container's
 * pid 1. Node has no file locking of its own. Loaded lazily: on a platform
 * without a prebuilt binary the transport still works, unlocked, and says so.
 */
function locks(): NativeLocks | null {
  if (native === undefined) {
    try {
      native = require('fs-native-extensions') as NativeLocks;
    } catch (err) {
      native = null;
      writeStderr(`prodlog: file locks are not available here (${(err as Error).message}); two processes rotating one log file will not be detected\n`);
    }
  }
  return native;
}

/**
 * The one-writer lock of a rotating log file: an exclusive kernel lock on
 * `<path>.lock`, which holds the holder's pid for the error message of the
 * next process that tries. The lock file is never deleted: deleting it would
 * let two processes lock two different files of the same name.
 */
export class WriterLock {
  private constructor(private fd: number) {}

  /** Takes the lock or throws FileInUseError naming the holder. */
  static acquire(path: string): WriterLock {
    const lockPath = `${path}.lock`;
    const fd = openSync(lockPath, 'a+', FILE_MODE);
    const api = locks();
    if (api && !api.tryLock(fd)) {
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      closeSync(fd);
      throw new FileInUseError(path, Number.isInteger(holder) ? holder : undefined);
    }
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`);
    return new WriterLock(fd);
  }

  /** Closing the descriptor releases the kernel lock. */
  release(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed: the lock is gone either way
    }
    this.fd = -1;
  }
}
