import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CoalescedRun } from '../../src/core/CoalescedRun';
import { Compressor } from './Compressor';
import { expiredFiles, type RetentionRules } from './expiredFiles';
import type { FileFailures } from './FileFailures';
import { gzipPathOf, type RotatedFile, type RotatedNames } from './rotatedNames';

export interface HousekeepingSettings extends RetentionRules {
  readonly compress: boolean;
}

/**
 * The background work of a rotating file: compressing rotated files and
 * deleting those retention no longer keeps. Both start from a fresh listing
 * of the folder, never from a list of their own, so files left by an earlier
 * run, by a crash or under other options are compressed and pruned like any
 * other (a restart with a smaller maxFiles prunes at once).
 *
 * No record depends on it: a rotated file is complete when it is renamed.
 * Pruning waits until no compression is in hand, so an uncompressed file
 * about to shrink never pushes an older one over maxTotalSize.
 */
export class Housekeeper {
  private readonly compressor: Compressor | undefined;
  private readonly inHand = new Set<Promise<void>>();
  private readonly sweep = new CoalescedRun(() => this.sweepFolder());
  private readonly prune = new CoalescedRun(() => this.pruneFolder());
  /** A compression failed (a full disk): the next rotation sweeps the folder to try it again. */
  private retry = false;

  constructor(
    private readonly names: RotatedNames,
    private readonly settings: HousekeepingSettings,
    private readonly failures: FileFailures,
  ) {
    this.compressor = settings.compress
      ? new Compressor((err, file) => {
          this.retry = true;
          failures.compressionFailed(err, file);
        })
      : undefined;
  }

  /**
   * At startup: start the compression worker, finish what an earlier run
   * left (temporary files, uncompressed files), then prune.
   */
  start(): void {
    this.compressor?.prestart();
    void this.sweep.request();
  }

  /**
   * A file was just rotated to `path`. Its compression is handed to the
   * worker at once, without waiting for the event loop, so it proceeds even
   * while the service logs in a loop that never yields.
   */
  rotated(path: string): void {
    if (this.compressor) this.compress(path);
    else void this.prune.request();
    if (this.retry) {
      this.retry = false;
      void this.sweep.request();
    }
  }

  /** Resolves when no compression or pruning is in hand, then stops the compression worker. */
  async close(): Promise<void> {
    while (this.inHand.size > 0 || this.sweep.busy || this.prune.busy) {
      await Promise.all([...this.inHand, this.sweep.idle(), this.prune.idle()]);
    }
    await this.compressor?.close();
  }

  private compress(path: string): void {
    const work = this.compressor!.compress(path).then(() => this.pruneWhenDrained());
    this.inHand.add(work);
    void work.finally(() => this.inHand.delete(work));
  }

  private async sweepFolder(): Promise<void> {
    try {
      const listing = await readdir(this.names.dir);
      // A temporary file that no job in hand is writing was left by a run that stopped.
      const stale = listing.filter((name) => {
        const source = this.names.sourceOfTemp(name);
        return source !== undefined && !this.compressor?.busyWith(source);
      });
      await Promise.all(stale.map((name) => removeFile(join(this.names.dir, name))));
      const files = this.names.select(listing);
      const gzipped = new Set(files.filter((f) => f.compressed).map((f) => f.path));
      for (const file of files) {
        if (file.compressed) continue;
        // Stopped by kill -9 between the rename and the delete: the .gz twin is complete.
        if (gzipped.has(gzipPathOf(file.path))) await removeFile(file.path);
        else if (this.compressor) this.compress(file.path);
      }
    } catch (err) {
      this.failures.failed('cleanup', `finishing the rotated files left in ${this.names.dir}`, err);
    }
    this.pruneWhenDrained();
  }

  private pruneWhenDrained(): void {
    if (!this.compressor || this.compressor.pending === 0) void this.prune.request();
  }

  private async pruneFolder(): Promise<void> {
    const { maxFiles, maxAgeMs, maxTotalBytes } = this.settings;
    if (maxFiles === undefined && maxAgeMs === undefined && maxTotalBytes === undefined) return;
    try {
      const files = this.names.select(await readdir(this.names.dir));
      const aged = (await Promise.all(files.map(withStats))).filter((f): f is AgedRotatedFile => f !== undefined);
      for (const file of expiredFiles(aged, this.settings, Date.now())) await removeFile(file.path);
    } catch (err) {
      this.failures.failed('cleanup', `deleting the rotated files retention no longer keeps in ${this.names.dir}`, err);
    }
  }
}

interface AgedRotatedFile extends RotatedFile {
  readonly size: number;
  readonly mtimeMs: number;
}

async function withStats(file: RotatedFile): Promise<AgedRotatedFile | undefined> {
  try {
    const { size, mtimeMs } = await stat(file.path);
    return { ...file, size, mtimeMs };
  } catch {
    return undefined; // deleted meanwhile
  }
}

async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
