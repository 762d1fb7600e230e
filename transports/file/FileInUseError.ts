/**
 * Thrown at startup when another writer holds the lock of a rotating log
 * file. Two writers rotating one file would rename it under each other and
 * lose or mix records, so the second one fails at once, saying what to do.
 */
export class FileInUseError extends Error {
  override readonly name = 'FileInUseError';
  readonly code = 'PRODLOG_FILE_IN_USE';

  constructor(
    readonly path: string,
    /** The pid written in the lock file by the writer that holds it, if readable. */
    readonly holderPid: number | undefined,
  ) {
    super(
      `prodlog: cannot write the rotating log file "${path}": ${holderOf(holderPid)} is writing it (lock ${path}.lock). ` +
        'A rotating log file has exactly one writer: give each process its own path (for example "app-1.log", "app-2.log"), ' +
        'or drop "rotate" (several processes may append to one plain file) and rotate it with logrotate.',
    );
  }
}

function holderOf(pid: number | undefined): string {
  if (pid === undefined) return 'another process';
  return pid === process.pid ? `another transport of this process (${pid})` : `process ${pid}`;
}
