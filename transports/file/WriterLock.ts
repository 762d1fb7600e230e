import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { kernelLocks } from '../shared/kernelLock';
import { FileInUseError, type WriterRole } from './FileInUseError';
import { FILE_MODE } from './ActiveFile';

/** Plain writers add a line each time one starts; past this the file starts over (it only names holders). */
const MAX_LOCK_FILE_BYTES = 4096;

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
 * process that is refused, which names the last one still running. It is never deleted: deleting it would let two
 * processes lock two different files of the same name.
 */
export class WriterLock {
  private constructor(private fd: number) {}

  /** Takes the lock for `role` or throws FileInUseError naming a holder. */
  static acquire(path: string, role: WriterRole): WriterLock {
    const lockPath = `${path}.lock`;
    const fd = openSync(lockPath, 'a+', FILE_MODE);
    // A kernel lock, released by the kernel when the process dies in any way (see kernelLocks); null where it cannot load.
    const api = kernelLocks();
    if (api && !api.tryLock(fd, { shared: role === 'appending' })) {
      const holder = runningHolder(readFileSync(lockPath, 'utf8'));
      closeSync(fd);
      // A plain writer is only refused by a rotating one; a rotating one by either.
      throw new FileInUseError(path, role, holder?.pid, role === 'appending' ? 'rotating' : holder?.role);
    }
    // Opened with O_APPEND: holders sharing the lock add their line after the others'.
    if (role === 'rotating' || fstatSync(fd).size > MAX_LOCK_FILE_BYTES) ftruncateSync(fd, 0);
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

/**
 * The holder to name: the last line whose process still runs (a plain writer that started later
 * may have exited since), else the last line. A bare pid (older versions) was a rotating writer.
 */
function runningHolder(text: string): { pid: number; role: WriterRole } | undefined {
  const holders: { pid: number; role: WriterRole }[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+)(?: (rotating|appending))?$/.exec(line.trim());
    if (match) holders.push({ pid: Number(match[1]), role: (match[2] as WriterRole | undefined) ?? 'rotating' });
  }
  return holders.reverse().find((h) => isRunning(h.pid)) ?? holders[0];
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // running, as another user
  }
}
