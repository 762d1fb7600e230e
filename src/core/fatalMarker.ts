import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { types } from 'node:util';

/**
 * FATAL exits as the next start of the service sees them. The process that
 * exits is gone before anything can scrape it, so fatal() and captured
 * crashes count the exit in a small file, and the next process serves the
 * count as `prodlog_fatal_exits_total` and the time as
 * `prodlog_last_fatal_exit_timestamp_seconds` (docs/readiness.md, "FATAL
 * exits in metrics").
 */
export interface FatalExits {
  /** FATAL exits counted in the marker, over every earlier run. */
  readonly total: number;
  /** When the last one happened (ISO-8601), or null if never. */
  readonly lastAt: string | null;
}

export const NO_FATAL_EXITS: FatalExits = Object.freeze({ total: 0, lastAt: null });

const countedInThisProcess = new Set<string>();

interface MarkerFile {
  readonly exits: number;
  readonly lastAt: string;
  readonly lastPid: number;
  readonly lastMessage: string;
}

/** `.prodlog/<name>.fatal.json` under the working directory; the name made safe as a file name. */
export function defaultFatalMarkerPath(name: string, cwd: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'app';
  return join(resolve(cwd), '.prodlog', `${safe}.fatal.json`);
}

/** What the marker says; a missing, unreadable or damaged marker counts as none. Never throws. */
export function readFatalMarker(path: string): FatalExits {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<MarkerFile>;
    const total = typeof parsed.exits === 'number' && Number.isSafeInteger(parsed.exits) && parsed.exits >= 0 ? parsed.exits : 0;
    const lastAt = typeof parsed.lastAt === 'string' && !Number.isNaN(Date.parse(parsed.lastAt)) ? parsed.lastAt : null;
    return total === 0 ? NO_FATAL_EXITS : { total, lastAt };
  } catch {
    return NO_FATAL_EXITS;
  }
}

/**
 * Adds one exit to the marker, synchronously (the process exits right
 * after): written to a temporary file, fsynced and renamed over the marker,
 * so a crash in between leaves the old count, never a torn file. Returns
 * the error instead of throwing: a read-only working directory must not
 * stop the exit.
 */
export function recordFatalExit(path: string, at: Date, message: string): Error | undefined {
  // Two loggers of one name share a marker, and a process exits once.
  if (countedInThisProcess.has(path)) return undefined;
  countedInThisProcess.add(path);
  const before = readFatalMarker(path);
  const marker: MarkerFile = { exits: before.total + 1, lastAt: at.toISOString(), lastPid: process.pid, lastMessage: message.slice(0, 1000) };
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
    const fd = openSync(tmp, 'w', 0o640);
    try {
      writeSync(fd, `${JSON.stringify(marker)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return undefined;
  } catch (err) {
    return types.isNativeError(err) ? err : new Error(String(err));
  }
}
