import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { FileInUseError } from './FileInUseError';
import { FILE_MODE } from './ActiveFile';
import { kernelLocks } from '../shared/kernelLock';

/**
 * The one-writer lock of a rotating log file: an exclusive kernel lock (see
 * kernelLock) on `<path>.lock`, which holds the holder's pid for the error message of the
 * next process that tries. The lock file is never deleted: deleting it would
 * let two processes lock two different files of the same name.
 */
export class WriterLock {
  private constructor(private fd: number) {}

  /** Takes the lock or throws FileInUseError naming the holder. */
  static acquire(path: string): WriterLock {
    const lockPath = `${path}.lock`;
    const fd = openSync(lockPath, 'a+', FILE_MODE);
    const api = kernelLocks();
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
