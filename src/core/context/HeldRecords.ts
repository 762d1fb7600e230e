import type { JsonFields } from '../serialize/Sanitizer';

/** replayOnError: `true` means these. */
export const REPLAY_DEFAULTS = Object.freeze({ level: 'debug', maxRecords: 1_000 } as const);

/** A record below the level, held in its context in case the context later logs an error. */
export interface HeldRecord {
  /** The logger that held it, which writes it with its own bindings. */
  readonly writer: { writeReplayed(record: HeldRecord): void };
  readonly level: 'debug' | 'info' | 'warn';
  readonly msg: string;
  /** Sanitised when held, so a later change to the caller's objects does not change the record. */
  readonly fields: JsonFields | undefined;
  /** When it was logged: the replayed record keeps this time. */
  readonly timeMs: number;
}

/**
 * The held records of one context, oldest first, at most `max`: past it the
 * oldest goes, so memory per context stays bounded however long it runs.
 */
export class HeldRecords {
  private records: HeldRecord[] = [];

  constructor(private readonly max: number) {}

  /** Holds a record; returns true when that dropped the oldest one. */
  hold(record: HeldRecord): boolean {
    this.records.push(record);
    if (this.records.length <= this.max) return false;
    this.records.shift();
    return true;
  }

  /** The held records, in order, leaving none. */
  take(): HeldRecord[] {
    const taken = this.records;
    this.records = [];
    return taken;
  }
}
