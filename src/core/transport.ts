import type { LevelName } from './levels';

/**
 * The one interface between the logger (src/) and its outputs (transports/).
 *
 * The logger hands every transport finished JSON lines; a transport never sees
 * the logger and never gets a record object it could mutate. The lifecycle is
 * the same for every transport, from the console to a shipper with a spool:
 *
 * - `write` is synchronous, cheap and never throws: failures are counted and
 *   reported through `health()`.
 * - `flush` resolves once everything written before the call is written out
 *   (file: in the kernel; shipper: in the spool); concurrent callers share work.
 * - `flushSync` is the FATAL path: when it returns, everything written before
 *   it is durable (in the file, or in the spool on disk). It must not need the
 *   event loop, because the process exits right after it.
 * - `drainBeforeExit`, when present, gets a bounded time to deliver what is
 *   durable but not yet delivered (shippers); it returns by the deadline.
 * - `close` runs once; later calls return the same promise.
 */
export interface Transport {
  /** The transport kind, e.g. "file". */
  readonly type: string;
  /** A name unique within a logger, used in health output, e.g. "file:logs/app.log". */
  readonly name: string;
  /** `line` is one JSON record ending in "\n"; `level` its numeric level. */
  write(line: string, level: number): void;
  flush(): Promise<void>;
  flushSync(): void;
  drainBeforeExit?(deadline: number): void;
  /**
   * Shippers: resolves once every record written before the call has left
   * for its receiver (acknowledged, or refused for good), or at `timeoutMs`
   * with the count still pending.
   */
  waitDelivered?(timeoutMs: number): Promise<{ readonly pending: number }>;
  close(): Promise<void>;
  health(): TransportHealth;
}

export interface TransportHealth {
  readonly type: string;
  readonly name: string;
  /** False while the transport is failing to write or deliver. */
  readonly ok: boolean;
  /** Records handed to the output (file, stdout) or accepted into the spool. */
  readonly written: number;
  /** Records that could not be written (disk full, closed stdout, ...). */
  readonly failed: number;
  /** Records deliberately discarded (spool past `spool.shedAt` or at its cap, after close). */
  readonly dropped: number;
  readonly lastError: string | null;
  readonly lastErrorAt: string | null;
  /** Shippers add their backlog and delivery figures. */
  readonly backlogRecords?: number;
  readonly backlogBytes?: number;
  readonly delivered?: number;
  readonly lastSuccessAt?: string | null;
  /** File transports: rotated files whose compression failed (they stay uncompressed). */
  readonly compressionsFailed?: number;
  /** Shippers: times the delivery worker was restarted after it stopped. */
  readonly deliveryRestarts?: number;
  /** Shippers: records the receiver refused for good (also counted in `failed`); the http transport keeps them in its dead-letter file. */
  readonly deadLetters?: number;
  /** Shippers: the spool's cap (`spool.maxBytes`), past which new records are dropped. */
  readonly spoolMaxBytes?: number;
  /** Shippers: `dropped`, by why and by the level of the records (the four add up to `dropped`). */
  readonly droppedBy?: DroppedBy;
  /**
   * Loggers of this process writing through this transport, when more than
   * one: a second createLogger() naming the same file or spool shares it.
   * Its figures are the transport's, the same in each logger's health.
   */
  readonly sharedBy?: number;
}

/**
 * Why a shipping transport dropped records:
 * - `shed`: below warn, while the spool's backlog was past `spool.shedAt` of `spool.maxBytes`;
 * - `full`: the newest, at `spool.maxBytes` (`spool.whenFull: "drop-newest"`, or nothing older left to remove);
 * - `oldest`: undelivered records of the oldest segment, removed at the cap to make room (`spool.whenFull: "drop-oldest"`);
 * - `closed`: written after `close()`.
 */
export type DropReason = 'shed' | 'full' | 'oldest' | 'closed';

/** Records by level; `unknown` (present only when not 0) for a record whose level is none of the five. */
export type LevelCounts = Readonly<Record<LevelName, number>> & { readonly unknown?: number };

export type DroppedBy = Readonly<Record<DropReason, LevelCounts>>;

/** What a transport factory gets from the logger besides its own options. */
export interface TransportContext {
  /** The logger name, used by shippers as app-name or service.name. */
  readonly loggerName: string;
}

/**
 * What a transport holds alone in a process (a log file, a spool folder): a
 * second logger whose transport names the same resource gets the instance
 * already open instead of a second one, which the resource's lock would
 * refuse. `settings` are what both must agree on to share it (a file's
 * rotation, a shipper's destination); `level` is the logger's own.
 */
export interface SharedResource {
  /** Unique per resource in the process: `file:/srv/app/logs/app.log`, `spool:/var/lib/app/spool/http-...`. */
  readonly key: string;
  /** How messages name the resource: `the log file /srv/app/logs/app.log`. */
  readonly describe: string;
  readonly settings: Readonly<Record<string, unknown>>;
  /** Why two loggers that disagree on `settings` cannot share the resource, for the startup error. */
  readonly whyAgree: string;
}
