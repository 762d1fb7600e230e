import { errorFingerprint, fingerprintFrames, parseStack, type StackFrame } from '../core/serialize/fingerprint';

/** A group of error and fatal records that share a fingerprint. */
export interface ErrorGroup {
  /** The records' `err.fingerprint`, or one computed from `err.type` and `err.stack`; null for records without an error object. */
  readonly fingerprint: string | null;
  /** True when the records carried no fingerprint and it was computed here (paths as written: see docs/fingerprint.md). */
  readonly computed: boolean;
  /** `err.type`, or null for records without an error object. */
  readonly type: string | null;
  /** Records in the window. */
  readonly count: number;
  readonly levels: { readonly error: number; readonly fatal: number };
  /** The earliest and latest `time` of the group in everything read, inside the window or not. */
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** First seen inside the window: a kind of error the files show nothing of before it. Always false without a window. */
  readonly new: boolean;
  /** The latest record of the group in the window. */
  readonly example: { readonly message: string; readonly time: string | null; readonly file: string };
  /** The top in-application frame of the example's stack as written, line and column included: where to look. */
  readonly topFrame: string | null;
  /** The services (`name`) that logged it, at most MAX_NAMES. */
  readonly names: readonly string[];
}

/** Service names kept per group: enough to tell which services share an error. */
const MAX_NAMES = 10;

interface MutableGroup {
  fingerprint: string | null;
  computed: boolean;
  type: string | null;
  count: number;
  error: number;
  fatal: number;
  first: number;
  last: number;
  exampleAt: number;
  example: { message: string; time: string | null; file: string; stack: string | null; errMessage: string | undefined };
  names: Set<string>;
}

/** A serialised error as prodlog writes it: `{ type, message, stack, fingerprint, ... }`. */
interface SerialisedError {
  readonly type: string;
  readonly message: string;
  readonly stack?: string;
  readonly fingerprint?: string;
  readonly code?: string | number;
}

/**
 * Groups error and fatal records by fingerprint, for `prodlog errors`.
 * Feed it every record (any level; others are ignored), in any order and
 * from any number of files, then ask for the groups. Memory is one entry per
 * distinct fingerprint, whatever the number of records. Reads records in
 * prodlog's shape and in the pino format (numeric level, time in ms).
 */
export class ErrorGrouper {
  private readonly groups = new Map<string, MutableGroup>();

  /** `windowStart`: only records at or after it are counted (ms since the epoch); undefined counts all. */
  constructor(private readonly windowStart?: number) {}

  add(record: Readonly<Record<string, unknown>>, file: string): void {
    const level = levelOf(record['level']);
    if (level === undefined) return;
    const time = timeOf(record['time']);
    const at = time === null ? Number.NaN : Date.parse(time);
    const err = errorOf(record);
    const message = typeof record['msg'] === 'string' ? record['msg'] : err?.message ?? '';
    const key = err !== undefined ? groupKeyOf(err) : { fingerprint: null, computed: false, id: `msg\u0000${message}` };
    let g = this.groups.get(key.id);
    if (g === undefined) {
      g = {
        fingerprint: key.fingerprint,
        computed: key.computed,
        type: err?.type ?? null,
        count: 0,
        error: 0,
        fatal: 0,
        first: Infinity,
        last: -Infinity,
        exampleAt: -Infinity,
        example: { message, time, file, stack: null, errMessage: undefined },
        names: new Set(),
      };
      this.groups.set(key.id, g);
    }
    if (!Number.isNaN(at)) {
      g.first = Math.min(g.first, at);
      g.last = Math.max(g.last, at);
    }
    // A record without a time cannot be placed in a window: it counts only when there is none.
    const inWindow = this.windowStart === undefined || (!Number.isNaN(at) && at >= this.windowStart);
    if (!inWindow) return;
    g.count++;
    g[level]++;
    const name = record['name'];
    if (typeof name === 'string' && g.names.size < MAX_NAMES) g.names.add(name);
    const exampleAt = Number.isNaN(at) ? -Infinity : at;
    if (g.count === 1 || exampleAt >= g.exampleAt) {
      g.exampleAt = exampleAt;
      g.example = { message, time, file, stack: err?.stack ?? null, errMessage: err?.message };
    }
  }

  /** The groups with records in the window: exceptions before records without an error object, each most records first (then the latest first). */
  result(): ErrorGroup[] {
    const out: ErrorGroup[] = [];
    for (const g of this.groups.values()) {
      if (g.count === 0) continue;
      out.push({
        fingerprint: g.fingerprint,
        computed: g.computed,
        type: g.type,
        count: g.count,
        levels: { error: g.error, fatal: g.fatal },
        firstSeen: Number.isFinite(g.first) ? new Date(g.first).toISOString() : null,
        lastSeen: Number.isFinite(g.last) ? new Date(g.last).toISOString() : null,
        new: this.windowStart !== undefined && Number.isFinite(g.first) && g.first >= this.windowStart,
        example: { message: g.example.message, time: g.example.time, file: g.example.file },
        topFrame: topFrameOf(g.example.stack, g.example.errMessage),
        names: [...g.names].sort(),
      });
    }
    const withoutError = (g: ErrorGroup): number => (g.fingerprint === null ? 1 : 0);
    return out.sort((a, b) => withoutError(a) - withoutError(b) || b.count - a.count || Date.parse(b.lastSeen ?? '') - Date.parse(a.lastSeen ?? '') || 0);
  }
}

/** A record's time as ISO text: prodlog's own, or milliseconds since the epoch (the pino format), shown as ISO. */
function timeOf(time: unknown): string | null {
  if (typeof time === 'string') return time;
  if (typeof time === 'number' && Number.isFinite(time) && Math.abs(time) <= 8.64e15) return new Date(time).toISOString();
  return null;
}

/** prodlog writes level names; pino's numbers (50, 60) are read too. */
function levelOf(level: unknown): 'error' | 'fatal' | undefined {
  if (level === 'error' || level === 50) return 'error';
  if (level === 'fatal' || level === 60) return 'fatal';
  return undefined;
}

function isSerialisedError(v: unknown): v is SerialisedError {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e['type'] === 'string' && typeof e['message'] === 'string' && (typeof e['stack'] === 'string' || typeof e['fingerprint'] === 'string');
}

/** The record's `err`, else the first top-level field that is a serialised error. */
function errorOf(record: Readonly<Record<string, unknown>>): SerialisedError | undefined {
  const err = record['err'];
  if (isSerialisedError(err)) return err;
  for (const value of Object.values(record)) if (isSerialisedError(value)) return value;
  return undefined;
}

function groupKeyOf(err: SerialisedError): { fingerprint: string; computed: boolean; id: string } {
  if (typeof err.fingerprint === 'string' && err.fingerprint !== '') return { fingerprint: err.fingerprint, computed: false, id: `fp\u0000${err.fingerprint}` };
  // Paths as written: the root the record was written under is unknown here.
  const fingerprint = errorFingerprint(err.type, err.stack, '', err.message, err.code);
  return { fingerprint, computed: true, id: `fp\u0000${fingerprint}` };
}

function topFrameOf(stack: string | null, message: string | undefined): string | null {
  if (stack === null) return null;
  const frame: StackFrame | undefined = fingerprintFrames(parseStack(stack, '', message))[0];
  if (frame === undefined) return null;
  return frame.fn === '' ? frame.location : `${frame.fn} (${frame.location})`;
}
