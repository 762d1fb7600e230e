import { readdirSync, renameSync } from 'node:fs';
import type { ActiveFile } from './ActiveFile';
import type { FileFailures } from './FileFailures';
import { Housekeeper, type HousekeepingSettings } from './Housekeeper';
import { periodStart } from './periodStart';
import { positionAfter, RotatedNames, type NamePosition } from './rotatedNames';

export interface RotationSettings extends HousekeepingSettings {
  /** Rotate before the file would grow past this many bytes. */
  readonly maxBytes?: number | undefined;
  /** Rotate at the end of each period of this length (UTC, see periodStart). */
  readonly intervalMs?: number | undefined;
}

const NEWLINE = 0x0a;
/** After a rotation failed (e.g. the folder is not writable), how long the file grows past its limit before the next try. */
const RETRY_MS = 1000;
/** setTimeout cannot wait longer than 2^31-1 ms; longer periods are waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Decides when the active file rotates and rotates it: synchronously, on a
 * record boundary, by renaming it to its rotated name and opening a new one.
 *
 * Synchronous, so that FATAL, which never turns the event loop again, finds
 * no write or rotation halfway through; only compression and retention,
 * which no record depends on, run in the background (Housekeeper,
 * Compressor). Why not rotating-file-stream: docs/design.md, "Rotation of our
 * own, not rotating-file-stream".
 */
export class Rotator {
  readonly names: RotatedNames;
  private readonly housekeeper: Housekeeper;
  private periodEnd = Number.POSITIVE_INFINITY;
  /** The name of the newest rotated file, from a listing at the first rotation, then from our own rotations. */
  private newest: NamePosition | undefined;
  private retryAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: RotationSettings,
    private readonly file: ActiveFile,
    private readonly failures: FileFailures,
    /** Called when a period ends, to write out pending records and rotate. */
    private readonly onPeriodEnd: () => void,
  ) {
    this.names = new RotatedNames(file.path);
    this.housekeeper = new Housekeeper(this.names, settings, failures);
  }

  /** A file left from an earlier period rotates at once; then the timer and a first housekeeping pass start. */
  start(now: number): void {
    const interval = this.settings.intervalMs;
    if (interval !== undefined) {
      if (this.file.size > 0 && periodStart(this.file.startedAt, interval) < periodStart(now, interval)) this.rotate(now);
      this.periodEnd = periodStart(now, interval) + interval;
      this.arm();
    }
    this.housekeeper.start();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves when background compression and pruning are done. */
  close(): Promise<void> {
    this.stop();
    return this.housekeeper.close();
  }

  /** Rotates when the current period is over (checked on every chunk, since a busy loop starves the timer). */
  rotateIfDue(now: number): void {
    const interval = this.settings.intervalMs;
    if (interval === undefined || now < this.periodEnd) return;
    if (this.file.size > 0 && !this.rotate(now)) return;
    this.periodEnd = periodStart(now, interval) + interval;
  }

  /**
   * Where to end the next write of `buf` from `offset`: everything, or the
   * last record boundary that keeps the file within maxBytes. `offset` means
   * nothing fits and the file must rotate first. A record larger than
   * maxBytes gets a file of its own rather than being split.
   */
  cut(buf: Buffer, offset: number, now: number): number {
    const max = this.settings.maxBytes;
    if (max === undefined || now < this.retryAt) return buf.length;
    const size = this.file.size;
    if (size + (buf.length - offset) <= max) return buf.length;
    const room = max - size;
    if (room > 0) {
      const lastFitting = buf.lastIndexOf(NEWLINE, offset + room - 1);
      if (lastFitting >= offset) return lastFitting + 1;
    }
    if (size > 0) return offset;
    const firstEnd = buf.indexOf(NEWLINE, offset);
    return firstEnd === -1 ? buf.length : firstEnd + 1;
  }

  /**
   * Renames the active file to its rotated name and opens a new one. Returns
   * false if the rename failed; the file then grows past its limit and the
   * rotation is tried again after RETRY_MS.
   */
  rotate(now: number): boolean {
    if (now < this.retryAt) return false;
    const file = this.file;
    let rotatedTo: string | undefined;
    try {
      // Only this process writes rotated files of this path (WriterLock): once the files of
      // earlier runs are known, the newest name is always the one this process gave last.
      const next = positionAfter(this.newest ?? this.names.newest(readdirSync(this.names.dir)), file.startedAt);
      const target = this.names.pathAt(next);
      renameSync(file.path, target);
      rotatedTo = target;
      this.newest = next;
    } catch (err) {
      // ENOENT: the file or its folder was removed, so there is nothing to keep; start a new file.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.retryAt = now + RETRY_MS;
        this.failures.failed('rotation', `rotating ${file.path}`, err);
        return false;
      }
    }
    const closeError = file.close();
    if (closeError !== undefined) this.failures.failed('close', `closing ${file.path}`, closeError);
    try {
      file.open(now);
    } catch {
      // The next write opens it again, and counts and reports the records it could not write.
    }
    if (rotatedTo !== undefined) this.housekeeper.rotated(rotatedTo);
    return true;
  }

  private arm(): void {
    clearTimeout(this.timer);
    // A period end in the past means its rotation failed: try again after RETRY_MS, not in a busy loop.
    const wait = this.periodEnd - Date.now();
    const delay = wait > 0 ? Math.min(wait, MAX_TIMER_MS) : RETRY_MS;
    this.timer = setTimeout(() => {
      this.onPeriodEnd();
      this.rotateIfDue(Date.now());
      this.arm();
    }, delay);
    this.timer.unref();
  }
}
