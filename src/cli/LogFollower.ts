import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** The size of one read, forwards when following and backwards when looking for the last lines. */
export const READ_CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * Reads the lines appended to a log file, across rotations: when the path
 * names a new file (rename-and-create rotation, logrotate without
 * copytruncate) the rest of the old file is read first, then the new one from
 * its start; when the file shrinks (copytruncate), reading restarts at 0 (as
 * with `tail -F`, lines written between the truncation and the next poll that
 * bring the file back past the old position cannot be told apart).
 * `poll()` is synchronous and returns the complete lines seen since the last
 * call; a partial last line waits for its newline.
 */
export class LogFollower {
  private fd: number | undefined;
  private ino = -1;
  private position = 0;
  private partial = '';
  /** Keeps a UTF-8 character cut by the end of one read for the next, instead of garbling it. */
  private decoder = new StringDecoder('utf8');

  constructor(private readonly path: string) {}

  /**
   * Starts at the end of the file, after returning its last `lastLines`
   * complete lines. Only those are read: the file is searched backwards from
   * its end for the newline before them, so a large log costs no more than
   * the lines shown.
   */
  start(lastLines: number): string[] {
    const out: string[] = [];
    this.openFile(); // a file not there yet is opened by a later poll()
    if (this.fd === undefined) return out;
    this.position = this.startOfLastLines(this.fd, lastLines);
    this.readAll(out);
    return out;
  }

  poll(): string[] {
    const out: string[] = [];
    const current = this.statPath();
    if (this.fd !== undefined && current !== undefined && current.ino !== this.ino) {
      this.readAll(out); // the rotated file's tail, then switch
      this.closeFile();
    }
    if (this.fd === undefined) {
      if (current === undefined) return out;
      this.openFile();
    }
    if (this.fd !== undefined && fstatSync(this.fd).size < this.position) {
      this.position = 0; // truncated in place
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
    }
    this.readAll(out);
    return out;
  }

  close(): void {
    this.closeFile();
  }

  private statPath(): { ino: number } | undefined {
    try {
      return statSync(this.path);
    } catch {
      return undefined; // between rename and create, or not yet created
    }
  }

  private openFile(): void {
    try {
      this.fd = openSync(this.path, 'r');
      this.ino = fstatSync(this.fd).ino;
      this.position = 0;
      this.partial = '';
      this.decoder = new StringDecoder('utf8');
    } catch {
      this.fd = undefined;
    }
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * The offset where the last `lines` complete lines begin: just after the
   * newline that precedes them (the lines + 1st from the end, since the last
   * complete line ends with the last newline), or 0 when the file holds no
   * more lines than that. A partial last line (no newline yet) is not counted.
   */
  private startOfLastLines(fd: number, lines: number): number {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let newlines = 0;
    let end = fstatSync(fd).size;
    while (end > 0) {
      const from = Math.max(0, end - READ_CHUNK);
      const block = buf.subarray(0, readSync(fd, buf, 0, end - from, from));
      for (let i = block.length; i > 0; ) {
        i = block.lastIndexOf(NEWLINE, i - 1);
        if (i === -1) break;
        if (++newlines > lines) return from + i + 1;
      }
      end = from;
    }
    return 0;
  }

  private readAll(out: string[]): void {
    if (this.fd === undefined) return;
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const n = readSync(this.fd, buf, 0, READ_CHUNK, this.position);
      if (n === 0) return;
      this.position += n;
      const parts = (this.partial + this.decoder.write(buf.subarray(0, n))).split('\n');
      this.partial = parts.pop() ?? '';
      out.push(...parts);
    }
  }
}
