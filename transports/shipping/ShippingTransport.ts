import { hostname } from 'node:os';
import { ConfigError } from '../../src/core/config/ConfigError';
import { LEVELS } from '../../src/core/levels';
import { formatRecord } from '../../src/core/record';
import type { DroppedBy, Transport, TransportHealth } from '../../src/core/transport';
import { HealthCounters } from '../shared/HealthCounters';
import { DropCounts, type LevelTally } from './DropCounts';
import { writeStderr } from '../../src/core/writeStderr';
import type { RetrySettings } from './Backoff';
import type { BatchSettings } from './DeliveryLoop';
import type { DeliveryHost } from './DeliveryHost';
import type { DeliveryKit, DeliveryStartState } from './DeliveryService';
import { REJECTED_CODE, type FromDelivery, type SpoolChange } from './deliveryProtocol';
import { SharedSpoolState } from './SharedSpoolState';
import { InThreadDelivery } from './InThreadDelivery';
import type { SinkRecipe } from './Sink';
import { SpoolAppender, type SpoolSettings } from './SpoolAppender';
import { WorkerDelivery } from './WorkerDelivery';

export interface ShippingSettings {
  readonly type: string;
  readonly name: string;
  /** The logger name, for the warn record about dropped records. */
  readonly loggerName: string;
  readonly spool: SpoolSettings & {
    /** Appended blocks are fsynced at most this long after they were written. */
    readonly fsyncIntervalMs: number;
    /** Records below warn are dropped while the backlog is past this fraction of `maxBytes`; 1: never before the cap. */
    readonly shedAt: number;
    /** At the cap: drop the new record, or evict the oldest segment to make room for it. */
    readonly whenFull: WhenSpoolFull;
  };
  readonly batch: BatchSettings;
  readonly retry: RetrySettings;
  /** How long `close()` waits for the backlog to be delivered; the rest stays in the spool for the next start. */
  readonly closeTimeoutMs: number;
  /** The least time between two warnings (stderr, and a warn record in the spool) about dropped records. */
  readonly dropWarnIntervalMs: number;
  /** A warn record appended to the spool at the start (and written to stderr): where the spool is, when a choice needs telling. */
  readonly notice?: { readonly msg: string; readonly fields: Readonly<Record<string, unknown>> };
  /**
   * Where delivery runs: in a worker thread that builds its sink from a
   * recipe (every built-in shipper), or on this thread with a sink object
   * (tests that script a receiver; it cannot deliver during a FATAL).
   */
  readonly delivery: { readonly worker: SinkRecipe } | { readonly inThread: DeliveryKit };
}

export type WhenSpoolFull = 'drop-newest' | 'drop-oldest';

const WARN = LEVELS.warn;

/** Past closeTimeoutMs, delivery gets this long to save its position before it is stopped. */
const CLOSE_GRACE_MS = 1_000;

/** What `flush({ delivered: true })` reports per transport. */
export interface DeliveryWait {
  /** Records logged before the call that the receiver has not yet taken (nor refused for good). */
  readonly pending: number;
}

/**
 * A transport that ships records to a central receiver through the on-disk
 * spool. On the service's thread it only appends to the spool (synchronous
 * 64 KiB blocks) and keeps counters; reading the spool, encoding, compression
 * and network I/O run in a worker thread (WorkerDelivery), which learns from
 * small notices where the appended blocks end and answers how far delivery
 * has come. FATAL makes the spool durable and then blocks until the worker
 * has delivered it or the deadline passes.
 */
export class ShippingTransport implements Transport {
  readonly type: string;
  readonly name: string;
  private readonly counters: HealthCounters;
  private readonly appender: SpoolAppender;
  private readonly delivery: DeliveryHost;
  private delivered = 0;
  /** Records the receiver refused for good, of those counted as failed. */
  private deadLetters = 0;
  private lastSuccessAt: string | null = null;
  /** The delivery side's backlog as of its last report, and the append it had seen then. */
  private reportedBacklog = 0;
  private reportedSeenSeq = 0;
  private settledSeq = 0;
  private settleWaiters: { seq: number; resolve: () => void }[] = [];
  private readonly drops = new DropCounts();
  /** The backlog in bytes past which records below warn are shed (Infinity: never). */
  private readonly shedBytes: number;
  private lastDropWarnAt = -Infinity;
  private lastDropNoticeAt = -Infinity;
  /** A warn record about drops goes before the next record that fits: drops are untold and the interval since the last one is over. */
  private noticeDue = false;
  private noticeTimer: NodeJS.Timeout | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private closed = false;
  private readonly shared = new SharedSpoolState();
  /** The segment being appended to, and its number in shared memory. */
  private activeSegment: { segment: string; no: number } | null = null;
  private segmentsStarted = 0;

  constructor(private readonly settings: ShippingSettings) {
    this.type = settings.type;
    this.name = settings.name;
    this.counters = new HealthCounters(settings.type, settings.name);
    this.shedBytes = settings.spool.shedAt >= 1 ? Infinity : Math.floor(settings.spool.maxBytes * settings.spool.shedAt);
    this.appender = openSpool(settings.spool, {
      publish: (notice) => this.publish(notice),
      onError: (err, records) => this.counters.recordFailure(err, records),
    });
    const deliverySettings = { dir: settings.spool.dir, batch: settings.batch, retry: settings.retry, fsyncIntervalMs: settings.spool.fsyncIntervalMs };
    const listener = (message: FromDelivery): void => this.receive(message);
    const startState = (): DeliveryStartState => ({
      published: this.appender.snapshot(),
      active: this.activeSegment,
      settledSeq: this.settledSeq,
      evicting: this.appender.evicting,
    });
    this.delivery =
      'worker' in settings.delivery
        ? new WorkerDelivery({
            settings: deliverySettings,
            recipe: settings.delivery.worker,
            shared: this.shared,
            startState,
            listener,
            onCrash: (err, restartInMs) =>
              this.counters.recordFailure(Object.assign(new Error(`the delivery worker stopped (${err.message}); it restarts in ${restartInMs} ms and resumes from the spool`), { code: 'EWORKER' }), 0),
          })
        : new InThreadDelivery(deliverySettings, settings.delivery.inThread, this.shared, startState, listener);
    if (settings.notice) this.announce(settings.notice.msg, settings.notice.fields);
    this.delivery.start();
  }

  write(line: string, level: number): void {
    if (this.closed) {
      this.drop('closed', level);
      return;
    }
    const chars = line.length;
    // The common case costs one or two comparisons: under the cap, and for debug and info also under shedAt.
    if (level < WARN ? this.appender.backlogFits(chars, this.shedBytes) && this.appender.fits(chars) : this.appender.fits(chars)) this.accept(line);
    else this.overLimit(line, level);
  }

  flush(): Promise<void> {
    this.flushSync();
    return Promise.resolve();
  }

  flushSync(): void {
    try {
      this.appender.syncNow();
    } catch (err) {
      this.counters.recordFailure(err, 0);
    }
  }

  /**
   * Resolves once every record written before the call has left the spool
   * (taken by the receiver, or refused for good), or at `timeoutMs`, with
   * what is still pending.
   */
  waitDelivered(timeoutMs: number): Promise<DeliveryWait> {
    this.appender.writeOut();
    const seq = this.appender.seq;
    if (this.settledSeq >= seq) return Promise.resolve({ pending: 0 });
    this.delivery.post({ type: 'hurry' });
    return new Promise((resolve) => {
      const waiter = { seq, resolve: () => finish() };
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.settleWaiters = this.settleWaiters.filter((w) => w !== waiter);
        resolve({ pending: Math.max(0, seq - this.settledSeq) });
      };
      this.settleWaiters.push(waiter);
    });
  }

  /** The FATAL delivery attempt: the spool is durable; block until the worker delivered it, or the deadline. */
  drainBeforeExit(deadline: number): void {
    this.flushSync();
    if (this.settledSeq >= this.appender.seq) return;
    if (!this.delivery.drainSync(this.appender.seq, deadline)) {
      this.counters.recordFailure(Object.assign(new Error('the FATAL drain reached its deadline; the rest stays in the spool for the next start'), { code: 'EDRAINTIMEOUT' }), 0);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  health(): TransportHealth & { readonly deliveryRestarts: number; readonly deadLetters: number; readonly spoolMaxBytes: number; readonly droppedBy: DroppedBy } {
    const base = this.counters.snapshot();
    const droppingNow = Date.now() - this.lastDropWarnAt < this.settings.dropWarnIntervalMs;
    return {
      ...base,
      ok: base.ok && !droppingNow,
      backlogRecords: this.backlogRecords,
      backlogBytes: this.appender.backlogBytes,
      delivered: this.delivered,
      lastSuccessAt: this.lastSuccessAt,
      deliveryRestarts: this.delivery.restarts,
      deadLetters: this.deadLetters,
      spoolMaxBytes: this.settings.spool.maxBytes,
      droppedBy: this.drops.snapshot(),
    };
  }

  /** The delivery side's count, plus what was appended since it counted and what waits to be appended. */
  private get backlogRecords(): number {
    return this.reportedBacklog + Math.max(0, this.appender.seq - this.reportedSeenSeq) + this.appender.pendingRecords;
  }

  private async closeOnce(): Promise<void> {
    // Drops not yet told get their warn record while it can still be delivered.
    if (this.drops.unannounced > 0) this.announceDrops();
    this.closed = true;
    clearTimeout(this.syncTimer);
    clearTimeout(this.noticeTimer);
    try {
      this.appender.close();
    } catch (err) {
      this.counters.recordFailure(err, 0);
    }
    await this.delivery.close(this.settings.closeTimeoutMs, CLOSE_GRACE_MS);
    this.appender.releaseLock();
    for (const w of this.settleWaiters.splice(0)) w.resolve();
  }

  /** Tells the delivery side: new segments by message, appends through shared memory (the hot path). */
  private publish(change: SpoolChange): void {
    switch (change.type) {
      case 'appended':
        if (this.activeSegment) this.shared.publishAppend(this.activeSegment.no, change.bytes, change.seq);
        this.armSync();
        this.delivery.setBusy(true); // until delivery says it has seen this append and is idle
        return;
      case 'started':
        this.activeSegment = { segment: change.segment, no: ++this.segmentsStarted };
        this.delivery.post({ type: 'started', ...this.activeSegment });
        return;
      default:
        if (this.activeSegment?.segment === change.segment) this.activeSegment = null;
        this.delivery.post(change);
    }
  }

  private receive(message: FromDelivery): void {
    switch (message.type) {
      case 'progress':
        if (message.delivered > 0) {
          this.delivered += message.delivered;
          this.lastSuccessAt = new Date().toISOString();
          this.counters.failing = false;
        }
        for (const { records, reason } of message.refusals) {
          this.counters.recordFailure(Object.assign(new Error(`${records} records refused by the receiver: ${reason}`), { code: REJECTED_CODE }), records);
          this.deadLetters += records;
        }
        this.appender.removed(message.removed);
        this.appender.deliveredOf(message.oldestSegment, message.deliveredOfFirst);
        this.dropEvicted(message.evicted);
        this.reportedBacklog = message.backlogRecords;
        this.reportedSeenSeq = message.seenSeq;
        this.settledSeq = Math.max(this.settledSeq, message.settledSeq);
        if (this.settleWaiters.length > 0) for (const w of this.settleWaiters.filter((w) => w.seq <= this.settledSeq)) w.resolve();
        return;
      case 'failure':
        this.counters.recordFailure(Object.assign(new Error(message.message), { code: message.code }), message.records);
        return;
      case 'notice':
        writeStderr(message.text);
        return;
      case 'busy':
        this.delivery.setBusy(true);
        return;
      case 'idle':
        // Appends the delivery side has not seen yet keep it busy: it will wake for them.
        this.delivery.setBusy(!message.retrying && message.seenSeq < this.appender.seq);
        return;
      case 'closed':
        return;
    }
  }

  /** fsync a little later, once for everything appended until then. */
  private armSync(): void {
    if (this.syncTimer || this.closed) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.appender.syncSoon();
    }, this.settings.spool.fsyncIntervalMs);
    this.syncTimer.unref();
  }

  /** Appends a record that fits; a warn record about earlier drops goes first when one is due. */
  private accept(line: string): void {
    if (this.noticeDue) this.announceDrops();
    this.appender.append(line);
    this.counters.written++;
  }

  /**
   * A record past a limit: below warn past shedAt it is shed; otherwise, at
   * the cap, whenFull "drop-oldest" evicts the oldest segments to make room
   * for it, and "drop-newest" (or nothing left to evict) drops it.
   */
  private overLimit(line: string, level: number): void {
    const chars = line.length;
    if (level < WARN && !this.appender.backlogFits(chars, this.shedBytes)) {
      this.drop('shed', level);
    } else if (this.settings.spool.whenFull === 'drop-oldest' && this.appender.evictFor(chars)) {
      this.accept(line);
    } else {
      this.drop('full', level);
    }
  }

  private drop(reason: 'shed' | 'full' | 'closed', level: number): void {
    this.counters.dropped++;
    this.drops.add(reason, level);
    if (reason === 'closed') return;
    this.warnDrops(reason);
    this.noticeSoon();
  }

  /** Undelivered records the delivery side deleted with evicted segments (whenFull "drop-oldest"). */
  private dropEvicted(tally: LevelTally): void {
    const records = this.drops.addTally('oldest', tally);
    if (records === 0) return;
    this.counters.dropped += records;
    this.warnDrops('oldest');
    this.noticeSoon();
  }

  /** The stderr warning, at most once per interval, with every count so far. */
  private warnDrops(reason: 'shed' | 'full' | 'oldest'): void {
    const now = Date.now();
    if (now - this.lastDropWarnAt < this.settings.dropWarnIntervalMs) return;
    this.lastDropWarnAt = now;
    const { dir, maxBytes, shedAt } = this.settings.spool;
    const where =
      reason === 'shed'
        ? `is past spool.shedAt (${shedAt} of its cap of ${maxBytes} bytes): debug and info records are dropped`
        : `is at its cap of ${maxBytes} bytes: ${reason === 'oldest' ? 'the oldest undelivered records are dropped to make room' : 'new records are dropped'}`;
    writeStderr(`prodlog: ${this.name}: warn: the spool in ${dir} ${where} until the receiver takes the backlog (${this.counters.dropped} dropped so far: ${this.drops.describe()})\n`);
  }

  /** Makes the warn record about drops due now, or once the interval since the last one is over (a timer, so accepting a record needs no clock). */
  private noticeSoon(): void {
    if (this.noticeDue || this.noticeTimer || this.closed) return;
    const wait = this.lastDropNoticeAt + this.settings.dropWarnIntervalMs - Date.now();
    if (wait <= 0) {
      this.noticeDue = true;
      return;
    }
    this.noticeTimer = setTimeout(() => {
      this.noticeTimer = undefined;
      this.noticeDue = true;
    }, wait);
    this.noticeTimer.unref();
  }

  /**
   * A warn record in the spool saying what was dropped since the last one,
   * before the next record that fits, at most once per interval, and at
   * close: the central store shows the gap. One that does not fit waits for
   * the next record.
   */
  private announceDrops(): void {
    const line = this.warnRecord('records were dropped from the spool', { dropped: this.drops.unannounced, ...this.drops.untold() });
    if (!this.appender.fits(line.length)) return;
    this.noticeDue = false;
    this.lastDropNoticeAt = Date.now();
    this.drops.told();
    this.appender.append(line);
  }

  /** A warn record of the transport's own, into the spool (so the central store has it) and on stderr. */
  private announce(msg: string, fields: Readonly<Record<string, unknown>>): void {
    writeStderr(`prodlog: ${this.name}: warn: ${msg} ${JSON.stringify(fields)}\n`);
    const line = this.warnRecord(msg, fields);
    if (this.appender.fits(line.length)) this.appender.append(line);
  }

  private warnRecord(msg: string, fields: Readonly<Record<string, unknown>>): string {
    return formatRecord(
      { level: 'warn', time: new Date().toISOString(), pid: process.pid, hostname: hostname(), name: this.settings.loggerName },
      { transport: this.name, ...fields },
      msg,
    );
  }
}

function openSpool(settings: SpoolSettings, events: ConstructorParameters<typeof SpoolAppender>[1]): SpoolAppender {
  try {
    return new SpoolAppender(settings, events);
  } catch (err) {
    throw new ConfigError('spool', [`spool.dir: ${JSON.stringify(settings.dir)} cannot be used: ${(err as Error).message}`]);
  }
}
