import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { HealthCounters } from '../shared/HealthCounters';
import { compressFile, compressionJob, settleCompression, type CompressionJob } from './compressFile';
import { expiredFiles, type RetentionRules } from './expiredFiles';
import { gzipPathOf, type RotatedFile, type RotatedNames } from './rotatedNames';

export interface HousekeepingSettings extends RetentionRules {
  readonly compress: boolean;
}

/**
 * The background work of a rotating file: compressing rotated files and
 * deleting the ones retention no longer keeps. It runs after every rotation
 * and once at startup, one pass at a time, and always starts from a fresh
 * listing of the folder, never from a list of its own: files left by an
 * earlier run, by a crash or under other options are compressed and pruned
 * like any other.
 *
 * None of it is needed for a record to be safe: a rotated file is complete
 * when it is renamed, and FATAL only has to settle the one compression that
 * may be in flight (settleSync).
 */
export class Housekeeper {
  private running: Promise<void> | undefined;
  private again = false;
  private job: CompressionJob | undefined;
  private settledJob: CompressionJob | undefined;

  constructor(
    private readonly names: RotatedNames,
    private readonly settings: HousekeepingSettings,
    private readonly counters: HealthCounters,
  ) {}

  /** Asks for a pass; one that is running will be followed by another. */
  schedule(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  /** Resolves when no pass is running or wanted. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** FATAL and exit: leave every record in exactly one file without the event loop. */
  settleSync(): void {
    const job = this.job;
    if (!job) return;
    this.settledJob = job;
    settleCompression(job);
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.pass();
      } while (this.again);
    } finally {
      this.running = undefined;
    }
  }

  private async pass(): Promise<void> {
    try {
      if (this.settings.compress) await this.compressAll();
      await this.prune();
    } catch (err) {
      this.counters.recordFailure(err, 0);
    }
  }

  private async compressAll(): Promise<void> {
    const listing = await readdir(this.names.dir);
    // Passes never overlap, so any temporary file now is left from a stopped run.
    await Promise.all(listing.filter((name) => this.names.isTemp(name)).map((name) => removeFile(join(this.names.dir, name))));
    const files = this.names.select(listing);
    const compressed = new Set(files.filter((f) => f.compressed).map((f) => f.path));
    for (const file of files) {
      if (file.compressed) continue;
      if (compressed.has(gzipPathOf(file.path))) {
        await removeFile(file.path); // stopped between rename and delete: the .gz is complete
        continue;
      }
      const job = compressionJob(file.path);
      this.job = job;
      try {
        await compressFile(job);
      } catch (err) {
        if (this.settledJob !== job) this.counters.recordFailure(err, 0);
        return; // a full disk fails the next one too; the next pass tries again
      } finally {
        this.job = undefined;
      }
    }
  }

  private async prune(): Promise<void> {
    const { maxFiles, maxAgeMs, maxTotalBytes } = this.settings;
    if (maxFiles === undefined && maxAgeMs === undefined && maxTotalBytes === undefined) return;
    const files = this.names.select(await readdir(this.names.dir));
    const aged = await Promise.all(files.map(withStats));
    const present = aged.filter((f): f is AgedRotatedFile => f !== undefined);
    for (const file of expiredFiles(present, this.settings, Date.now())) await removeFile(file.path);
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
