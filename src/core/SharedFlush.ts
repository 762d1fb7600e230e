/**
 * Coalesces concurrent flushes without the classic bug of returning a flush
 * that started before the caller's last write (OpenTelemetry's forceFlush
 * has it). A caller shares the flush in progress only if nothing was written
 * since that flush started; otherwise a new flush is queued after it, and
 * callers arriving meanwhile share the queued one.
 */
export class SharedFlush {
  private inflight: { readonly promise: Promise<void>; readonly seq: number } | undefined;
  private queued: { readonly promise: Promise<void>; seq: number } | undefined;
  /** The write count the last finished flush covered. */
  private done = 0;

  constructor(private readonly run: () => Promise<void>) {}

  /** `seq` counts writes so far: the flush must cover all of them. */
  flush(seq: number): Promise<void> {
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

  private start(seq: number): Promise<void> {
    const promise = this.run().finally(() => {
      this.done = Math.max(this.done, seq);
      if (this.inflight?.promise === promise) this.inflight = undefined;
    });
    this.inflight = { promise, seq };
    return promise;
  }
}
