import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

const READ_CHUNK = 64 * 1024;

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

  constructor(private readonly path: string) {}

  /** Starts at the end of the file, after returning its last `lastLines` lines. */
  start(lastLines: number): string[] {
    const lines = this.poll();
    return lastLines === 0 ? [] : lines.slice(-lastLines);
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
    } catch {
      this.fd = undefined;
    }
  }

  private closeFile(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private readAll(out: string[]): void {
    if (this.fd === undefined) return;
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const n = readSync(this.fd, buf, 0, READ_CHUNK, this.position);
      if (n === 0) return;
      this.position += n;
      const parts = (this.partial + buf.toString('utf8', 0, n)).split('\n');
      this.partial = parts.pop() ?? '';
      out.push(...parts);
    }
  }
}
