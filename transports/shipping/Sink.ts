import type { SpoolRecord } from './SpoolReader';

export type { SpoolRecord };

/**
 * The protocol-specific half of a shipping transport: it delivers a batch of
 * spooled records to one receiver and says how far the receiver took them.
 * Everything else (spool, batching, retry and backoff, dead letters, health,
 * FATAL drain) belongs to the shipping core. See README.md in this folder.
 */
export interface Sink {
  /** For health and error messages, e.g. "relp://127.0.0.1:2514". */
  readonly endpoint: string;
  /**
   * How many `send` calls may be outstanding at once (default 1). With more,
   * the core sends the next batch before the previous one is acknowledged, so
   * a windowed protocol never waits out a round trip between batches; the core
   * still awaits results in call order, and after a failed batch it ignores
   * the results of the later ones and sends them again.
   */
  readonly maxInFlight?: number;
  /**
   * The most characters of records the receiver is known to take in one
   * send, when that is less than the configured batch size (learnt from an
   * HTTP 413); the core reads batches no larger than this.
   */
  readonly maxBatchChars?: number;
  /**
   * Delivers `records` in order. Never rejects: the result says how many
   * records, from the first, the receiver has taken, and why it stopped if it
   * did not take them all. Connecting (and reconnecting after an error) is the
   * sink's business, done lazily inside `send`.
   */
  send(records: readonly SpoolRecord[]): Promise<SinkResult>;
  /** Ends the connection; pending sends settle. */
  close(): Promise<void>;
}

export interface SinkResult {
  /** Records `[0, accepted)` are taken by the receiver and leave the spool. */
  readonly accepted: number;
  /**
   * Records among the accepted ones that the receiver refused for good (a
   * malformed row, a 400 for one document): they leave the spool too, and go
   * to the dead-letter hook and the `failed` count instead of `delivered`.
   */
  readonly rejected?: readonly RejectedRecord[];
  /**
   * Records among the accepted ones that the receiver refused for good
   * without saying which (OTLP partial success gives a count only): they
   * count as failed, not delivered, and go to the `onUnidentifiedRejects` hook.
   */
  readonly unidentifiedRejects?: { readonly count: number; readonly reason: string };
  /** Set when the sink stopped before the end of the batch. */
  readonly error?: SinkError;
}

export interface RejectedRecord {
  /** Index into the batch. */
  readonly index: number;
  readonly reason: string;
}

export interface SinkError {
  readonly error: Error;
  /**
   * True for conditions that pass (connection refused or reset, timeout, 429,
   * 503): the core backs off and sends the rest again. False for conditions
   * that will not (a 400 for the whole batch, an unsupported format): the rest
   * of the batch goes to the dead-letter hook and delivery moves on.
   */
  readonly retryable: boolean;
  /** The receiver asked for this pause (HTTP Retry-After); used instead of the backoff if longer. */
  readonly retryAfterMs?: number;
}

/**
 * How the delivery worker builds a sink: `module` names a built-in kind
 * ("http", "syslog") or is an absolute path to a CommonJS module whose
 * `createSink(options)` returns a Sink; `options` must survive the structured
 * clone into the worker (paths and PEM text, not open sockets).
 */
export interface SinkRecipe {
  readonly module: string;
  readonly options: unknown;
}
