import { hostname } from 'node:os';
import { ConfigError } from '../../src/config/ConfigError';
import type { Transport, TransportHealth } from '../../src/transport';
import { HealthCounters } from '../shared/HealthCounters';
import type { RetrySettings } from './Backoff';
import { DeliveryLoop, type BatchSettings } from './DeliveryLoop';
import { drainInChild } from './drainInChild';
import type { Sink, SinkRecipe, SpoolRecord } from './Sink';
import { Spool, type SpoolSettings } from './Spool';
import { writeStderr } from '../shared/writeStderr';

export interface ShippingSettings {
  readonly type: string;
  readonly name: string;
  /** The logger name, for the warn record about dropped records. */
  readonly loggerName: string;
  readonly spool: SpoolSettings & {
    /** Appended blocks are fsynced at most this long after they were written. */
    readonly fsyncIntervalMs: number;
  };
  readonly batch: BatchSettings;
  readonly retry: RetrySettings;
  /** How long `close()` waits for the backlog to be delivered; the rest stays in the spool for the next start. */
  readonly closeTimeoutMs: number;
  /** The least time between two warnings about records dropped over the spool cap. */
  readonly dropWarnIntervalMs: number;
  readonly sink: Sink;
  /** How the FATAL drain process rebuilds the sink; without it `drainBeforeExit` does nothing. */
  readonly recipe?: SinkRecipe;
  /** Called with records the receiver refused for good; they have left the spool. */
  readonly onDeadLetter?: (records: readonly SpoolRecord[], reason: string) => void;
  /** `count` records the receiver refused for good without saying which (OTLP partial success). */
  readonly onUnidentifiedRejects?: (count: number, reason: string) => void;
}

/**
 * A transport that ships records to a central receiver through the on-disk
 * spool: `write` appends to the spool (synchronously, in chunks), a
 * DeliveryLoop sends from the spool to the sink, and FATAL makes the spool
 * durable and then gives a child process until the deadline to deliver it.
 * Any protocol (syslog, HTTP) plugs in as a Sink.
 */
export class ShippingTransport implements Transport {
  readonly type: string;
  readonly name: string;
  private readonly counters: HealthCounters;
  private readonly spool: Spool;
  private readonly loop: DeliveryLoop;
  private delivered = 0;
  private lastSuccessAt: string | null = null;
  private dropsUnannounced = 0;
  private lastDropWarnAt = -Infinity;
  private syncTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly settings: ShippingSettings) {
    this.type = settings.type;
    this.name = settings.name;
    this.counters = new HealthCounters(settings.type, settings.name);
    this.spool = openSpool(settings.spool, {
      onAppended: () => {
        this.armSync();
        this.loop.wake();
      },
      onError: (err, records) => this.counters.recordFailure(err, records),
    });
    this.loop = new DeliveryLoop(this.spool, settings.sink, settings.batch, settings.retry, {
      delivered: (n) => {
        this.delivered += n;
        this.lastSuccessAt = new Date().toISOString();
        this.counters.failing = false;
        this.armSync();
      },
      deadLetter: (records, reason) => this.refused(records.length, reason, () => this.settings.onDeadLetter?.(records, reason)),
      unidentifiedRejects: (count, reason) => this.refused(count, reason, () => this.settings.onUnidentifiedRejects?.(count, reason)),
      failed: (err) => this.counters.recordFailure(err, 0),
    });
    this.loop.start();
  }

  write(line: string): void {
    if (this.closed) {
      this.counters.dropped++;
      return;
    }
    if (!this.spool.fits(line.length)) {
      this.drop();
      return;
    }
    if (this.dropsUnannounced > 0) this.announceDrops();
    this.spool.append(line);
    this.counters.written++;
  }

  flush(): Promise<void> {
    try {
      this.spool.syncNow();
    } catch (err) {
      this.counters.recordFailure(err, 0);
    }
    return Promise.resolve();
  }

  flushSync(): void {
    try {
      this.spool.syncNow();
    } catch (err) {
      this.counters.recordFailure(err, 0);
    }
  }

  /**
   * The FATAL delivery attempt: the event loop cannot run inside fatal(), so
   * a child process drains the spool while this one waits for it, killed at
   * the deadline if it is still running (see drainInChild for why a child).
   */
  drainBeforeExit(deadline: number): void {
    this.flushSync();
    const recipe = this.settings.recipe;
    if (!recipe || this.spool.backlogRecords === 0) return;
    const error = drainInChild({ dir: this.settings.spool.dir, recipe, deadline });
    if (error) this.counters.recordFailure(error, 0);
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  health(): TransportHealth {
    const base = this.counters.snapshot();
    const droppingNow = Date.now() - this.lastDropWarnAt < this.settings.dropWarnIntervalMs;
    return {
      ...base,
      ok: base.ok && !droppingNow,
      backlogRecords: this.spool.backlogRecords,
      backlogBytes: this.spool.backlogBytes,
      delivered: this.delivered,
      lastSuccessAt: this.lastSuccessAt,
    };
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    this.flushSync();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.loop.idle(),
      // Not unref'd: a caller awaiting close() expects the process to wait for it.
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.settings.closeTimeoutMs))),
    ]);
    clearTimeout(timer);
    clearTimeout(this.syncTimer);
    await this.loop.stop();
    try {
      this.spool.close();
    } catch (err) {
      this.counters.recordFailure(err, 0);
    }
  }

  /** fsync and save the delivery position a little later, once for everything until then. */
  private armSync(): void {
    if (this.syncTimer || this.closed) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.spool.syncSoon();
    }, this.settings.spool.fsyncIntervalMs);
    this.syncTimer.unref();
  }

  private drop(): void {
    this.counters.dropped++;
    this.dropsUnannounced++;
    const now = Date.now();
    if (now - this.lastDropWarnAt >= this.settings.dropWarnIntervalMs) {
      this.lastDropWarnAt = now;
      writeStderr(
        `prodlog: ${this.name}: warn: the spool in ${this.settings.spool.dir} is at its cap of ${this.settings.spool.maxBytes} bytes; ` +
          `new records are dropped (${this.counters.dropped} so far) until the receiver takes the backlog\n`,
      );
    }
  }

  /** The first record that fits after a drop is preceded by a warn record saying how many were lost. */
  private announceDrops(): void {
    const line =
      `{"level":"warn","time":"${new Date().toISOString()}","pid":${process.pid},"hostname":${JSON.stringify(hostname())},` +
      `"name":${JSON.stringify(this.settings.loggerName)},"transport":${JSON.stringify(this.name)},"dropped":${this.dropsUnannounced},` +
      `"msg":"spool at its cap: records were dropped"}\n`;
    if (!this.spool.fits(line.length)) return;
    this.dropsUnannounced = 0;
    this.spool.append(line);
  }

  /** Records refused for good count as failed; `hook` tells the transport's owner (dead-letter file). */
  private refused(count: number, reason: string, hook: () => void): void {
    this.counters.recordFailure(Object.assign(new Error(`${count} records refused by the receiver: ${reason}`), { code: 'EREJECTED' }), count);
    try {
      hook();
    } catch {
      // a throwing hook must not stop delivery
    }
  }
}

function openSpool(settings: SpoolSettings, events: ConstructorParameters<typeof Spool>[1]): Spool {
  try {
    return new Spool(settings, events);
  } catch (err) {
    throw new ConfigError('spool', [`spool.dir: ${JSON.stringify(settings.dir)} cannot be used: ${(err as Error).message}`]);
  }
}
