import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Log files are readable by the owner and group only: logs often hold personal data. */
export const FILE_MODE = 0o640;

/**
 * The file the transport appends to, opened with O_APPEND. It keeps what the
 * rotation needs (size, when its first record was written) and what disk
 * trouble needs:
 *
 * - A write that fails partway (a full disk takes what fits, then fails)
 *   must not leave half a record that would glue itself to the next one.
 *   The sole writer of the file (a rotating file holds a lock) cuts the file
 *   back to its last whole record; a plain file shared with other processes
 *   cannot be cut safely, so the next write starts on a new line instead.
 * - A path that no longer names the open file (the folder or file was
 *   removed, or renamed by logrotate without a signal) is noticed before the
 *   next write and reopened, creating the folder again, rather than writing
 *   on into a file nobody can see: records counted as written are in the
 *   file the path named when they were written. The check is one stat per
 *   chunk of about 64 KiB, cheap beside the write itself.
 */
export class ActiveFile {
  fd = -1;
  /** Bytes in the file: its size when opened plus what this process appended. */
  size = 0;
  /** When the first record of the file was written (ms since epoch); names it when it rotates. */
  startedAt = 0;
  private ino = 0;
  private dev = 0;
  private brokenTail = false;

  constructor(
    readonly path: string,
    /** True when no other process appends to this file (a locked rotating file). */
    private readonly soleWriter: boolean,
  ) {}

  /**
   * Opens (or creates) the file, creating missing folders. Throws the fs
   * error; the caller decides whether that is fatal (startup) or counted.
   * Returns the first folder it had to create, if any.
   */
  open(now: number): string | undefined {
    const created = mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a', FILE_MODE);
    const st = fstatSync(fd);
    this.fd = fd;
    this.ino = st.ino;
    this.dev = st.dev;
    this.size = st.size;
    // An existing file began before this process: its birth time if the file
    // system records one, else its last write, the best bound left.
    this.startedAt = st.size === 0 ? now : st.birthtimeMs > 0 ? st.birthtimeMs : st.mtimeMs;
    return created;
  }

  /** Closes the descriptor; errors are returned, not thrown. */
  close(): unknown {
    const fd = this.fd;
    this.fd = -1;
    this.size = 0;
    if (fd < 0) return undefined;
    try {
      closeSync(fd);
      return undefined;
    } catch (err) {
      return err;
    }
  }

  /**
   * Appends `buf[start, end)`, whole lines. Returns undefined on success;
   * on failure the error and how many bytes of the write stay in the file
   * (none, unless a shared file could not be cut back).
   */
  append(buf: Buffer, start: number, end: number, now: number): AppendFailure | undefined {
    let offset = start;
    try {
      if (this.brokenTail) {
        writeSync(this.fd, '\n');
        this.brokenTail = false;
      }
      while (offset < end) offset += writeSync(this.fd, buf, offset, end - offset);
    } catch (error) {
      const keptBytes = offset > start ? this.undoPartialWrite(offset - start) : 0;
      return { error, keptBytes };
    }
    if (this.size === 0) this.startedAt = now;
    this.size += end - start;
    return undefined;
  }

  /** True when the path no longer names the open file. */
  pathMoved(): boolean {
    if (this.fd < 0) return false;
    try {
      const st = statSync(this.path, { throwIfNoEntry: false });
      return st === undefined || st.ino !== this.ino || st.dev !== this.dev;
    } catch {
      return true; // e.g. ENOTDIR: a file now stands where the folder was
    }
  }

  /** Returns how many of the `written` bytes stay in the file. */
  private undoPartialWrite(written: number): number {
    if (this.soleWriter) {
      try {
        ftruncateSync(this.fd, this.size);
        return 0;
      } catch {
        // fall through: at least keep the next record on its own line
      }
    }
    this.brokenTail = true;
    this.size += written;
    return written;
  }
}

export interface AppendFailure {
  readonly error: unknown;
  /** Bytes of the failed write left in the file: whole records among them were written after all. */
  readonly keptBytes: number;
}
