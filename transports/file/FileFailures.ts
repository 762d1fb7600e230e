import type { TransportHealth } from '../../src/core/transport';
import { HealthCounters } from '../shared/HealthCounters';
import { writeStderr } from '../../src/core/writeStderr';

/** The file transport's health: the common counters, and the compressions that failed. */
export interface FileTransportHealth extends TransportHealth {
  /** Compressions of rotated files that failed; each file stays uncompressed and is tried again after the next rotation. */
  readonly compressionsFailed: number;
}

/** The kinds of failure a file transport reports, each once per error code. */
export type FailureKind = 'write' | 'compression' | 'rotation' | 'open' | 'close' | 'cleanup';

const FURTHER: Readonly<Record<FailureKind, string>> = {
  write: 'further write failures are counted in health().failed, not printed',
  compression: 'further compression failures are counted in health().compressionsFailed, not printed',
  rotation: 'further rotation failures show in health().lastError, not printed',
  open: 'further failures to open it show in health().lastError, not printed',
  close: 'further failures to close it show in health().lastError, not printed',
  cleanup: 'further failures of this kind show in health().lastError, not printed',
};

/**
 * The failures of one file transport: counted for health(), and printed on
 * stderr once per kind of failure and error code, naming what failed (the
 * writes to the file, the compression of which rotated file, ...).
 *
 * Why not HealthCounters' own notice, once per error code: on a full disk the
 * writes and the compressions fail with the same ENOSPC, so whichever failed
 * first hid the other, and lost records went unnamed on stderr.
 */
export class FileFailures {
  readonly counters: HealthCounters;
  compressionsFailed = 0;
  private readonly reported = new Set<string>();

  constructor(
    type: string,
    readonly name: string,
    private readonly stderr: (text: string) => void = writeStderr,
  ) {
    this.counters = new HealthCounters(type, name, () => {}); // the notices are printed here
  }

  /** `records` records could not be appended to `path`: they are lost. */
  writeFailed(err: unknown, records: number, path: string): void {
    this.record(err, records, `writes to ${path}`);
    this.notice('write', err, `writes to ${path} failed: ${describe(err)}; ${this.counters.failed} records lost so far`);
  }

  /** A rotated file could not be compressed (`file` undefined: the worker itself failed); no record is lost. */
  compressionFailed(err: unknown, file: string | undefined): void {
    this.compressionsFailed++;
    const what = file === undefined ? 'compression of rotated files' : `compression of ${file}`;
    this.record(err, 0, what);
    this.notice('compression', err, `${what} failed: ${describe(err)}; the file stays uncompressed and is compressed again after the next rotation`);
  }

  /** Anything else that failed without losing a record; `what` names it, e.g. "rotating logs/app.log". */
  failed(kind: Exclude<FailureKind, 'write' | 'compression'>, what: string, err: unknown): void {
    this.record(err, 0, what);
    this.notice(kind, err, `${what} failed: ${describe(err)}`);
  }

  snapshot(): FileTransportHealth {
    return { ...this.counters.snapshot(), compressionsFailed: this.compressionsFailed };
  }

  /** lastError keeps the error code first ("ENOSPC: ..."), then names what failed. */
  private record(err: unknown, records: number, what: string): void {
    const code = codeOf(err);
    const context = Object.assign(new Error(`${describe(err)} (${what})`), code === undefined ? {} : { code });
    this.counters.recordFailure(context, records);
  }

  private notice(kind: FailureKind, err: unknown, text: string): void {
    const key = `${kind}:${codeOf(err) ?? 'ERROR'}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.stderr(`prodlog: ${this.name}: ${text} (${FURTHER[kind]})\n`);
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "ENOSPC: no space left on device, write": the code first, as Node's fs errors already read. */
function describe(err: unknown): string {
  // Duck-typed: an error from another realm (a vm context, a test runner) is no `instanceof Error` here.
  const message = typeof (err as { message?: unknown } | null)?.message === 'string' ? (err as { message: string }).message : String(err);
  const code = codeOf(err);
  return code === undefined || message.startsWith(code) ? message : `${code}: ${message}`;
}
