import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FileTransport } from '../../transports/file/FileTransport';

export function fileTestDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `prodlog-file-${prefix}-`));
}

/** The log files in `dir`: the active file and rotated ones, plain or gzipped, oldest first (by name, index as a number). */
export function logFiles(dir: string, stem = 'app'): string[] {
  const rotated = new RegExp(`^${stem}\\.(\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d)\\.(\\d+)\\.log(\\.gz)?$`);
  const names = readdirSync(dir).filter((n) => rotated.test(n));
  names.sort((a, b) => {
    const [, sa, ia] = rotated.exec(a)!;
    const [, sb, ib] = rotated.exec(b)!;
    return sa === sb ? Number(ia) - Number(ib) : sa! < sb! ? -1 : 1;
  });
  return readdirSync(dir).includes(`${stem}.log`) ? [...names, `${stem}.log`] : names;
}

/** A log file's text, decompressed when it is a .gz. */
export function readLog(path: string): string {
  const raw = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
}

/** Every line of every log file in `dir`, oldest file first. */
export function allLines(dir: string, stem = 'app'): string[] {
  return logFiles(dir, stem).flatMap((name) => splitLines(readLog(join(dir, name))));
}

export function splitLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** Parses every line (a broken line throws) and returns the field `i` of those that have one. */
export function indexesIn(lines: readonly string[]): number[] {
  const out: number[] = [];
  for (const line of lines) {
    const record = JSON.parse(line) as { i?: unknown };
    if (typeof record.i === 'number') out.push(record.i);
  }
  return out;
}

/** Each of 0..n-1 exactly once (order not required). */
export function expectEachOnce(indexes: readonly number[], n: number): void {
  const seen = new Uint8Array(n);
  let duplicates = 0;
  let outOfRange = 0;
  for (const i of indexes) {
    if (!Number.isInteger(i) || i < 0 || i >= n) outOfRange++;
    else if (seen[i] === 1) duplicates++;
    else seen[i] = 1;
  }
  const missing = seen.reduce((m, s) => m + (s === 0 ? 1 : 0), 0);
  expect({ missing, duplicates, outOfRange }).toEqual({ missing: 0, duplicates: 0, outOfRange: 0 });
}

/** A JSON line of about `bytes` bytes carrying index `i`. */
export function lineOf(i: number, bytes = 100): string {
  const head = `{"i":${i},"pad":"`;
  const tail = '"}\n';
  return head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

/**
 * Fakes Date and timers (the rotation clock) but not what I/O completion
 * needs: setImmediate writes out buffered lines, and fs and worker callbacks
 * are not timers at all.
 */
export function useFakeClock(now?: Date): void {
  jest.useFakeTimers({ ...(now ? { now } : {}), doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
}

/** Writes records in flushed batches, as a service would over time; returns the next index. */
export async function writeBatches(t: FileTransport, from: number, count: number, batch = 50): Promise<number> {
  let i = from;
  while (i < from + count) {
    for (let k = 0; k < batch && i < from + count; k++, i++) t.write(lineOf(i, 200));
    await t.flush();
  }
  return i;
}

/**
 * Silences stderr during each test of the calling file; the function returned
 * gives what was written to it that contains `code` (prodlog's reports).
 */
export function stderrReports(): (code: string) => string[] {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stderr.mockRestore();
  });
  return (code) => stderr.mock.calls.map((c) => String(c[0])).filter((t) => t.includes(code));
}
