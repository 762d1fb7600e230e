import type { LevelName } from './levels';

/** The levels sampling applies to: FATAL is never sampled. */
export type SampledLevel = Exclude<LevelName, 'fatal'>;

/** The `sampling` key of the configuration, resolved. */
export interface SamplingSettings {
  readonly enabled: boolean;
  /** Records of one (level, msg) written per interval before sampling starts. */
  readonly first: number;
  /** After `first`, every `thereafter`-th record of the key is written; 0 writes none. */
  readonly thereafter: number;
  readonly intervalMs: number;
}

/** Writes the summary of one key's interval: `suppressed` records of (level, msg) were not written. */
export type SuppressedWriter = (level: SampledLevel, msg: string, suppressed: number) => void;

/**
 * Bounds on the key table of one interval, so that messages with ids in them
 * cannot grow it without limit. Past either, a record with a new key is
 * written unsampled (and counted as such); keys already tracked stay sampled.
 */
export const MAX_SAMPLED_KEYS = 10_000;
/** At most this many characters of messages are kept as keys per interval (about 2 MB). */
export const MAX_SAMPLED_KEY_CHARS = 1_000_000;

/** How many records of one key this interval has seen, and how many of them were not written. */
interface KeyCount {
  seen: number;
  suppressed: number;
}

export const ZERO_BY_LEVEL = (): Record<SampledLevel, number> => ({ debug: 0, info: 0, warn: 0, error: 0 });

/**
 * Flood control, per (level, msg) and per interval: the first `first`
 * records of a key are written, then every `thereafter`-th. When an interval
 * ends with records suppressed, `writeSuppressed` writes one summary per key
 * with the count, so records written plus the counts reported equal the
 * records logged, exactly. An interval ends on an unref'd timer, or at the
 * next record once its time is up (a loop that never yields runs no timer),
 * or at end(), which close() and FATAL call before their last flush.
 */
export class Sampler {
  /** Per level, so that one message at two levels is two keys without building a joined string. */
  private readonly keys: Record<SampledLevel, Map<string, KeyCount>> = { debug: new Map(), info: new Map(), warn: new Map(), error: new Map() };
  private keyCount = 0;
  private keyChars = 0;
  /** When the current interval ends (Date.now()); 0 while none is open. */
  private intervalEnd = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly suppressedTotal = ZERO_BY_LEVEL();
  private unsampledTotal = 0;

  constructor(
    private readonly settings: SamplingSettings,
    private readonly writeSuppressed: SuppressedWriter,
  ) {}

  /** Whether the record is written; false counts it as suppressed. */
  admits(level: SampledLevel, msg: string): boolean {
    const now = Date.now();
    if (this.intervalEnd === 0) this.open(now);
    else if (now >= this.intervalEnd) {
      this.end();
      this.open(now);
    }
    const table = this.keys[level];
    let count = table.get(msg);
    if (count === undefined) {
      if (this.keyCount >= MAX_SAMPLED_KEYS || this.keyChars + msg.length > MAX_SAMPLED_KEY_CHARS) {
        this.unsampledTotal++;
        return true;
      }
      count = { seen: 0, suppressed: 0 };
      table.set(msg, count);
      this.keyCount++;
      this.keyChars += msg.length;
    }
    const n = ++count.seen;
    const { first, thereafter } = this.settings;
    if (n <= first || (thereafter > 0 && (n - first) % thereafter === 0)) return true;
    count.suppressed++;
    this.suppressedTotal[level]++;
    return false;
  }

  /** Ends the current interval: one summary per key with records suppressed, after emptying the table. */
  end(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.intervalEnd = 0;
    this.keyCount = 0;
    this.keyChars = 0;
    for (const level of Object.keys(this.keys) as SampledLevel[]) {
      const table = this.keys[level];
      // Taken and cleared before writing: a summary whose write logs again starts a fresh interval.
      const counts = [...table];
      table.clear();
      for (const [msg, { suppressed }] of counts) if (suppressed > 0) this.writeSuppressed(level, msg, suppressed);
    }
  }

  /** Records suppressed so far, per level. */
  suppressed(): Record<SampledLevel, number> {
    return { ...this.suppressedTotal };
  }

  /** Records written unsampled because the interval's key table was full. */
  get unsampled(): number {
    return this.unsampledTotal;
  }

  private open(now: number): void {
    this.intervalEnd = now + this.settings.intervalMs;
    this.timer = setTimeout(() => this.end(), this.settings.intervalMs);
    // The summary is also written at close() and FATAL: the timer need not keep the process alive.
    this.timer.unref();
  }
}
