import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { settleWithin } from '../shared/settleWithin';
import { resolveWorkerFile } from '../shared/workerFile';
import { Backoff } from './Backoff';
import type { DeliveryHost, DeliveryListener } from './DeliveryHost';
import type { DeliverySettings, DeliveryStartState } from './DeliveryService';
import type { ToDelivery } from './deliveryProtocol';
import type { SharedSpoolState } from './SharedSpoolState';
import type { SinkRecipe } from './Sink';

/** Restarts of a worker that died: quickly at first, at most every 30 s. */
const RESTART_BACKOFF = { initialMs: 100, maxMs: 30_000 };
/** The FATAL wait stops this much before the deadline, so the exit is not later than it. */
const DRAIN_MARGIN_MS = 20;

/** What a delivery worker starts from (its workerData). */
export interface DeliveryWorkerData {
  readonly settings: DeliverySettings;
  readonly recipe: SinkRecipe;
  readonly start: DeliveryStartState;
  readonly shared: BigInt64Array;
}

export interface WorkerDeliveryOptions {
  readonly settings: DeliverySettings;
  readonly recipe: SinkRecipe;
  readonly shared: SharedSpoolState;
  /** The spool as the appending side knows it now (taken again at each restart). */
  readonly startState: () => DeliveryStartState;
  readonly listener: DeliveryListener;
  /** The worker stopped without being asked: `restartInMs` later another starts. */
  readonly onCrash: (err: Error, restartInMs: number) => void;
}

/**
 * Runs delivery in a worker thread loaded from deliveryWorker.js. The worker
 * does not keep the process alive unless it has work in hand; one that dies
 * (an exception in an encoder, terminated from outside) is restarted with
 * backoff, and starts from the spool on disk, so nothing is lost meanwhile.
 */
export class WorkerDelivery implements DeliveryHost {
  restarts = 0;
  private readonly file: string;
  private readonly backoff = new Backoff(RESTART_BACKOFF);
  private worker: Worker | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private busy = false;
  private refd: boolean | undefined;
  private stopping = false;
  private closed: (() => void) | undefined;

  constructor(private readonly options: WorkerDeliveryOptions) {
    // Resolved now: a missing worker file is a startup error, not a failure at the first record.
    this.file = resolveWorkerFile('delivery', join(__dirname, '..'));
  }

  start(): void {
    if (this.worker || this.stopping) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const data: DeliveryWorkerData = {
      settings: this.options.settings,
      recipe: this.options.recipe,
      start: this.options.startState(),
      shared: this.options.shared.array,
    };
    const worker = new Worker(this.file, { workerData: data, stdout: false, stderr: false });
    this.worker = worker;
    this.refd = undefined;
    let failure: Error | undefined;
    worker.on('message', (message: Parameters<DeliveryListener>[0]) => {
      if (message.type === 'progress' && message.delivered > 0) this.backoff.reset();
      if (message.type === 'closed') this.closed?.();
      this.options.listener(message);
    });
    worker.on('error', (err) => (failure = err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.closed?.();
      if (this.stopping) return;
      const pause = this.backoff.next();
      this.restarts++;
      this.options.onCrash(failure ?? new Error(`the delivery worker exited with code ${code}`), pause);
      this.restartTimer = setTimeout(() => this.start(), pause);
      this.restartTimer.unref();
    });
    this.applyRef();
  }

  post(message: ToDelivery): void {
    this.worker?.postMessage(message);
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.applyRef();
  }

  drainSync(seq: number, deadline: number): boolean {
    if (!this.worker) this.start(); // a restart was pending: the spool is on disk, a new worker delivers it
    this.post({ type: 'drain' });
    return this.options.shared.waitSettled(seq, deadline - DRAIN_MARGIN_MS);
  }

  async close(timeoutMs: number, graceMs: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    worker.ref();
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    worker.postMessage({ type: 'close', timeoutMs } satisfies ToDelivery);
    await settleWithin(closed, timeoutMs + graceMs);
    await worker.terminate();
  }

  /** The worker keeps the process alive only while it has work in hand (or is closing). */
  private applyRef(): void {
    const ref = this.busy || this.stopping;
    if (!this.worker || ref === this.refd) return;
    this.refd = ref;
    if (ref) this.worker.ref();
    else this.worker.unref();
  }
}
