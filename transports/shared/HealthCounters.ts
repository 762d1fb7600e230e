import type { TransportHealth } from '../../src/core/transport';
import { writeStderr } from '../../src/core/writeStderr';

/**
 * Counters behind a transport's `health()`. An error is printed to stderr the
 * first time its code is seen, not on every failed write: a full disk must not
 * turn into a second flood of output.
 */
export class HealthCounters {
  written = 0;
  failed = 0;
  dropped = 0;
  lastError: string | null = null;
  lastErrorAt: string | null = null;
  failing = false;
  private readonly reported = new Set<string>();

  constructor(
    readonly type: string,
    readonly name: string,
    private readonly stderr: (text: string) => void = writeStderr,
  ) {}

  recordFailure(err: unknown, records: number): void {
    this.failed += records;
    this.failing = true;
    const code = errorCode(err);
    const message = errorMessage(err);
    this.lastError = message.startsWith(code) ? message : `${code}: ${message}`;
    this.lastErrorAt = new Date().toISOString();
    if (!this.reported.has(code)) {
      this.reported.add(code);
      this.stderr(`prodlog: ${this.name}: ${this.lastError} (further ${code} errors are counted in health(), not printed)\n`);
    }
  }

  recordSuccess(records: number): void {
    this.written += records;
    this.failing = false;
  }

  snapshot(): TransportHealth {
    return {
      type: this.type,
      name: this.name,
      ok: !this.failing,
      written: this.written,
      failed: this.failed,
      dropped: this.dropped,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
    };
  }
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
