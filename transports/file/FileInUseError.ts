/** How a file transport writes its file: renaming and compressing it (`rotate`), or only appending to it. */
export type WriterRole = 'rotating' | 'appending';

/**
 * Thrown at startup when the log file's lock is held in a way this writer
 * cannot share (see WriterLock): two writers rotating one file would rename
 * it under each other, and a plain writer appending to a file another process
 * rotates would lose its records to the renamed, compressed and deleted file.
 * The second writer fails at once, saying what to do.
 */
export class FileInUseError extends Error {
  override readonly name = 'FileInUseError';
  readonly code = 'PRODLOG_FILE_IN_USE';

  constructor(
    readonly path: string,
    /** What the refused writer meant to do. */
    readonly role: WriterRole,
    /** The pid written in the lock file by a writer that holds it, if readable. */
    readonly holderPid: number | undefined,
    /** What that writer does, if known. */
    readonly holderRole: WriterRole | undefined,
  ) {
    super(`prodlog: ${refused(path, role)}: ${holder(holderPid)} ${doing(holderRole)} (lock ${path}.lock). ${advice(role)}`);
  }
}

function refused(path: string, role: WriterRole): string {
  return role === 'rotating' ? `cannot write the rotating log file "${path}"` : `cannot append to the log file "${path}"`;
}

function holder(pid: number | undefined): string {
  if (pid === undefined) return 'another process';
  // Loggers of one copy of prodlog share a file's transport; this one is another copy's, or was made directly.
  return pid === process.pid ? `another transport of this process (${pid}, from a second copy of prodlog or made directly, so not shared)` : `process ${pid}`;
}

function doing(role: WriterRole | undefined): string {
  if (role === 'rotating') return 'rotates it';
  if (role === 'appending') return 'appends to it without "rotate"';
  return 'is writing it';
}

const OWN_PATHS = 'give each process its own path (for example "app-1.log", "app-2.log")';

function advice(role: WriterRole): string {
  if (role === 'rotating') {
    return `A rotating log file has exactly one writer: ${OWN_PATHS}, or drop "rotate" (several processes may append to one plain file) and rotate it with logrotate.`;
  }
  return `Records appended to a file another process rotates would go to the rotated file and be lost when it is compressed: ${OWN_PATHS}, or drop "rotate" from every writer of it and rotate it with logrotate.`;
}
