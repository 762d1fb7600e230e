export interface RetrySettings {
  /** The first pause after a failure. */
  readonly initialMs: number;
  /** The longest pause: the doubling stops here. */
  readonly maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": the pause doubles on each failure
 * up to `maxMs`, and is drawn from its upper half, so many processes that
 * lost the same receiver do not reconnect in lockstep, while none retries
 * sooner than half the nominal pause.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly settings: RetrySettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** The pause before the next attempt, after one more failure. */
  next(): number {
    const nominal = Math.min(this.settings.maxMs, this.settings.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.round(nominal / 2 + (nominal / 2) * this.random());
  }

  reset(): void {
    this.failures = 0;
  }
}
