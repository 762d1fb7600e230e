import { writeStderr } from '../../src/core/writeStderr';

interface NativeLocks {
  /** Exclusive, or `shared` (a read lock: any number of shared holders, no exclusive one). */
  tryLock(fd: number, options?: { shared?: boolean }): boolean;
  unlock(fd: number): void;
}

let native: NativeLocks | null | undefined;

/**
 * Kernel file locks from fs-native-extensions (open file description locks
 * on Linux, flock on macOS, LockFileEx on Windows). A kernel lock is released
 * by the kernel when its process dies, even by SIGKILL, so a crash never
 * leaves a stale lock; and it holds across PID namespaces (two containers on
 * one volume), where a pid in a lock file, checked with kill 0, names a
 * process the other side cannot see. Node has no file locking of its own.
 * Loaded lazily: where the addon cannot load (a bundle without it, a platform
 * without a prebuilt binary) this says so once and returns null.
 */
export function kernelLocks(): NativeLocks | null {
  if (native === undefined) {
    try {
      native = require('fs-native-extensions') as NativeLocks;
    } catch (err) {
      native = null;
      writeStderr(`prodlog: file locks are not available here (${(err as Error).message}); two processes writing one log file or one spool will not be detected\n`);
    }
  }
  return native;
}
