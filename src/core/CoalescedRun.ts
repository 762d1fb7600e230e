/**
 * Runs an asynchronous job one at a time, and lets concurrent callers share
 * runs: a caller shares the run in progress only if it covers what the caller
 * needs (for a flush: nothing was written since that run started; the
 * classic bug, OpenTelemetry's forceFlush has it, is to return a flush that
 * started before the caller's last write). Otherwise one more run is queued
 * after it, and every caller arriving meanwhile shares the queued one: a
 * burst of requests costs one or two runs, never overlapping ones.
 */
export class CoalescedRun {
  private inflight: { readonly promise: Promise<void>; readonly seq: number } | undefined;
  private queued: { readonly promise: Promise<void>; seq: number } | undefined;
  /** The `seq` the last finished run covered. */
  private done = 0;
  /** Requests so far, for callers that count nothing themselves (request()). */
  private requested = 0;

  constructor(private readonly job: () => Promise<void>) {}

  /** Asks for a run that starts after this call; resolves when it has finished. */
  request(): Promise<void> {
    return this.cover(++this.requested);
  }

  /**
   * Resolves once a run has finished that started after `seq` (a count that
   * only grows, such as the lines written so far) was reached; runs the job
   * only if no run so far, started or queued, covers it.
   */
  cover(seq: number): Promise<void> {
    if (seq <= this.done && !this.inflight) return Promise.resolve();
    if (this.inflight && this.inflight.seq >= seq) return this.inflight.promise;
    if (this.queued) {
      this.queued.seq = Math.max(this.queued.seq, seq);
      return this.queued.promise;
    }
    if (!this.inflight) return this.start(seq);
    const startQueued = (): Promise<void> => {
      const q = this.queued;
      this.queued = undefined;
      return this.start(q ? q.seq : seq);
    };
    const queued = { seq, promise: this.inflight.promise.then(startQueued, startQueued) };
    this.queued = queued;
    return queued.promise;
  }

  /** Resolves when no run is under way or queued (as of the runs asked for so far). */
  idle(): Promise<void> {
    return this.queued?.promise ?? this.inflight?.promise ?? Promise.resolve();
  }

  get busy(): boolean {
    return this.inflight !== undefined || this.queued !== undefined;
  }

  private start(seq: number): Promise<void> {
    const promise = this.job().finally(() => {
      this.done = Math.max(this.done, seq);
      if (this.inflight?.promise === promise) this.inflight = undefined;
    });
    this.inflight = { promise, seq };
    return promise;
  }
}
