import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ChunkedTransport } from '../shared/ChunkedTransport';
import type { HealthCounters } from '../shared/HealthCounters';
import type { LineFormat } from '../shared/lineFormats/LineFormat';
import { countLines } from '../shared/SyncChunkWriter';
import { encodeUtf8Scratch } from '../shared/utf8Scratch';
import { ActiveFile, type AppendFailure } from './ActiveFile';
import { FileFailures, type FileTransportHealth } from './FileFailures';
import { onReopenSignal, type ReopenSignal } from './reopenSignals';
import { Rotator, type RotationSettings } from './Rotator';
import { WriterLock } from './WriterLock';

export interface FileTransportSettings {
  readonly path: string;
  /** Rotate, compress and prune; without it the file is left to an external tool such as logrotate. */
  readonly rotate?: RotationSettings | undefined;
  /** Without `rotate`: the signal on which the file is reopened (default SIGHUP), or false for none. */
  readonly reopenSignal?: ReopenSignal | false | undefined;
  /** Lines in another shape than the logger's (pino, ecs, gcp); none writes them as they are. */
  readonly lineFormat?: LineFormat | undefined;
}

export type { FileTransportHealth } from './FileFailures';

/**
 * Appends JSON lines to one file, optionally rotating, compressing and
 * pruning it. Lines are buffered and written in chunks of about 64 KiB with
 * synchronous appends (SyncChunkWriter): a line handed to `write` is in the
 * kernel no later than the end of the current tick, and at once on flush or
 * FATAL, so flushSync needs nothing but one more write.
 *
 * Rotation happens between chunks on record boundaries (Rotator), so no line
 * is ever split across files; a rotating file is locked to one process
 * (WriterLock). Without rotation several processes may append to the same
 * file (O_APPEND keeps their chunks whole), but none may rotate it (the same
 * lock, shared), and the file is reopened on SIGHUP for logrotate.
 *
 * Disk trouble never reaches the caller: failed writes and compressions are
 * counted in health() and each kind is reported once per error code on
 * stderr, naming what failed (FileFailures); writing resumes as soon as the
 * disk allows.
 */
export class FileTransport extends ChunkedTransport {
  readonly type = 'file';
  readonly name: string;
  protected readonly counters: HealthCounters;
  private readonly failures: FileFailures;
  private readonly file: ActiveFile;
  private readonly rotator: Rotator | undefined;
  private readonly lock: WriterLock;
  private readonly stopSignal: (() => void) | undefined;

  constructor(settings: FileTransportSettings) {
    super();
    this.name = `file:${settings.path}`;
    this.failures = new FileFailures(this.type, this.name);
    this.counters = this.failures.counters;
    this.format = settings.lineFormat;
    this.file = new ActiveFile(settings.path, settings.rotate !== undefined);
    const now = Date.now();
    // Created before any file is touched: a missing compression worker file is a ConfigError that leaves nothing behind.
    if (settings.rotate) this.rotator = new Rotator(settings.rotate, this.file, this.failures, () => this.writer.writeOut());
    mkdirSync(dirname(settings.path), { recursive: true });
    // Locked before the file is touched: no process may rotate a file another one writes (WriterLock).
    this.lock = WriterLock.acquire(settings.path, this.rotator ? 'rotating' : 'appending');
    try {
      this.file.open(now);
    } catch (err) {
      this.lock.release();
      throw err;
    }
    this.rotator?.start(now);
    if (!this.rotator && settings.reopenSignal !== false) this.stopSignal = onReopenSignal(settings.reopenSignal ?? 'SIGHUP', () => this.reopen());
  }

  /** Compression needs nothing here: a rotated file is complete before it is compressed (see Compressor). */
  flushSync(): void {
    this.writer.writeOut();
  }

  override health(): FileTransportHealth {
    return this.failures.snapshot();
  }

  /** logrotate has renamed the file: what is pending goes to the old file, then the path is opened anew. */
  reopen(): void {
    if (this.closed) return;
    this.writer.writeOut();
    this.reopenFile(Date.now());
  }

  protected async shutdown(): Promise<void> {
    this.stopSignal?.();
    this.writer.writeOut();
    this.closeFile();
    await this.rotator?.close();
    this.lock.release();
  }

  /** The file is reopened and rotated between chunks: split at record boundaries where it must rotate, append the parts. */
  protected writeChunk(data: string, records: number): void {
    const now = Date.now();
    if (this.file.pathMoved()) {
      this.closeFile();
      this.openFile(now); // on failure the append below tries again, and counts what it could not write
    }
    this.rotator?.rotateIfDue(now);
    const buf = encodeUtf8Scratch(data);
    let failed = 0;
    let error: unknown;
    let offset = 0;
    while (offset < buf.length) {
      const end = this.rotator ? this.rotator.cut(buf, offset, now) : buf.length;
      if (end > offset) {
        const failure = this.append(buf, offset, end, now);
        if (failure !== undefined) {
          error = failure.error;
          failed += countLines(buf, offset + failure.keptBytes, end);
        }
        offset = end;
      }
      if (offset < buf.length) this.rotator?.rotate(now);
    }
    if (failed < records) this.counters.recordSuccess(records - failed);
    if (failed > 0) this.failures.writeFailed(error, failed, this.file.path);
  }

  private append(buf: Buffer, start: number, end: number, now: number): AppendFailure | undefined {
    if (this.file.fd < 0) {
      const error = this.openFile(now);
      if (error !== undefined) return { error, keptBytes: 0 };
    }
    return this.file.append(buf, start, end, now);
  }

  private reopenFile(now: number): void {
    this.closeFile();
    const err = this.openFile(now);
    if (err !== undefined) this.failures.failed('open', `opening ${this.file.path}`, err);
  }

  private closeFile(): void {
    const err = this.file.close();
    if (err !== undefined) this.failures.failed('close', `closing ${this.file.path}`, err);
  }

  /** Opens the path again; a folder that had to be created means it was removed under us, which is reported. */
  private openFile(now: number): unknown {
    try {
      const created = this.file.open(now);
      if (created !== undefined) this.failures.failed('open', `opening ${this.file.path}`, folderRecreated(created));
      return undefined;
    } catch (err) {
      return err;
    }
  }
}

function folderRecreated(folder: string): Error {
  const err = new Error(`the log folder ${folder} had been removed and was created again`);
  return Object.assign(err, { code: 'ENOENT' });
}
