import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { FileInUseError, type WriterRole } from './FileInUseError';
import { FILE_MODE } from './ActiveFile';
import { writeStderr } from '../shared/writeStderr';

interface NativeLocks {
  tryLock(fd: number, options?: { shared?: boolean }): boolean;
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
      writeStderr(`prodlog: file locks are not available here (${(err as Error).message}); a second process writing the same log file will not be detected\n`);
    }
  }
  return native;
}

/**
 * The writers' lock of a log file, a kernel lock on `<path>.lock` taken by
 * every file transport before it touches the file. A rotating writer takes it
 * exclusively: it renames and compresses the file, so it must be the only
 * writer. A plain writer (no `rotate`) takes it shared: plain writers may
 * append side by side, but not to a file another process rotates, where
 * their records would go to a renamed file that compression then deletes.
 *
 * The lock file holds a line "<pid> <role>" per holder that took it (a
 * rotating writer leaves only its own), for the error message of the next
 * process that is refused. It is never deleted: deleting it would let two
 * processes lock two different files of the same name.
 */
export class WriterLock {
  private constructor(private fd: number) {}

  /** Takes the lock for `role` or throws FileInUseError naming a holder. */
  static acquire(path: string, role: WriterRole): WriterLock {
    const lockPath = `${path}.lock`;
    const fd = openSync(lockPath, 'a+', FILE_MODE);
    const api = locks();
    if (api && !api.tryLock(fd, { shared: role === 'appending' })) {
      const holder = lastHolder(readFileSync(lockPath, 'utf8'));
      closeSync(fd);
      // A plain writer is only refused by a rotating one; a rotating one by either.
      throw new FileInUseError(path, role, holder?.pid, role === 'appending' ? 'rotating' : holder?.role);
    }
    // Opened with O_APPEND: holders sharing the lock add their line after the others'.
    if (role === 'rotating') ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid} ${role}\n`);
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

/** The last "<pid> <role>" line of a lock file; a bare pid (older versions) was a rotating writer. */
function lastHolder(text: string): { pid: number; role: WriterRole } | undefined {
  const line = text.trimEnd().split('\n').pop() ?? '';
  const match = /^(\d+)(?: (rotating|appending))?$/.exec(line.trim());
  if (!match) return undefined;
  return { pid: Number(match[1]), role: (match[2] as WriterRole | undefined) ?? 'rotating' };
}
