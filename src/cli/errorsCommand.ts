import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { escapeText } from '../../transports/console';
import { parseDuration } from '../core/config/parseDuration';
import { parseCommandArgs, usageError, type CommandSpec } from './commandArgs';
import type { CommandIo } from './CommandIo';
import { ErrorGrouper, type ErrorGroup } from './errorGroups';

export const ERRORS: CommandSpec<{ since: { type: 'string' }; top: { type: 'string' }; json: { type: 'boolean' } }> = {
  name: 'errors',
  usage: `usage: prodlog errors <file|dir>... [--since <duration>] [--top N] [--json]

  The error and fatal records of log files, live and rotated (.gz), grouped
  by fingerprint: count, first and last seen, an example message, the top
  frame. A folder stands for its .log, .ndjson, .jsonl and .gz files.
  Reads records in prodlog's shape and in the pino format.
  --since <duration>   count the last 1h, 24h, 7d... only; fingerprints first seen in it are NEW
  --top N              groups printed (default 20; 0 for all)
  --json               the report as JSON, every group
`,
  options: { since: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' } },
  operands: { min: 1, max: Infinity },
};

/** Groups printed unless --top says otherwise; --json always has them all. */
const DEFAULT_TOP = 20;
/** In a folder, the files read: live logs, rotated ones (gzipped or not), ndjson exports. */
const LOG_FILE = /\.(log|ndjson|jsonl)(\.\d+)?(\.gz)?$|\.log\..*\.gz$|\.gz$/;

export interface ErrorsReport {
  readonly files: readonly string[];
  /** Start of the window (`--since`), or null when every record counts. */
  readonly since: string | null;
  readonly records: number;
  readonly errorRecords: number;
  /** Lines that are not JSON objects (a torn last line of a live file is not counted). */
  readonly unreadableLines: number;
  readonly groups: readonly ErrorGroup[];
}

/**
 * `prodlog errors <files...>`: the error and fatal records of log files,
 * live and rotated (`.gz` read as it is), grouped by fingerprint, most
 * frequent first (records without an error object after them, by message), with first and last seen, an example message and the top
 * frame. With `--since 1h` only the last hour counts, and groups first seen
 * in it are marked new. Read-only; a file being written is read up to its
 * last complete line. `now` is for tests.
 */
export async function errorsCommand(args: readonly string[], io: CommandIo, now: () => number = Date.now): Promise<number> {
  const parsed = parseCommandArgs(ERRORS, args, io);
  if (typeof parsed === 'number') return parsed;
  const { since, top: topText, json } = parsed.values;
  const sinceMs = since === undefined ? undefined : parseDuration(since);
  if (sinceMs === undefined && since !== undefined) return usageError(ERRORS, io, `--since ${JSON.stringify(since)} is not a duration like "1h" (units ms, s, m, h, d, w)`);
  const top = topText === undefined ? DEFAULT_TOP : Number(topText);
  if (!Number.isInteger(top) || top < 0) return usageError(ERRORS, io, `--top ${JSON.stringify(topText)} is not a whole number (0 prints every group)`);
  let files: string[];
  try {
    files = parsed.operands.flatMap((p) => expand(resolve(io.cwd, p)));
  } catch (err) {
    io.stderr(`prodlog errors: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const report = await groupFiles(files, sinceMs === undefined ? undefined : now() - sinceMs);
  io.stdout(json === true ? `${JSON.stringify(report, null, 2)}\n` : describe(report, top));
  return 0;
}

/** A file as itself; a folder as its log files, oldest name first. */
function expand(path: string): string[] {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) throw new Error(`${path}: no such file or folder`);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => LOG_FILE.test(name))
    .sort()
    .map((name) => join(path, name))
    .filter((p) => statSync(p).isFile());
}

/** Reads every file and groups its error records; `windowStart` in ms since the epoch. */
export async function groupFiles(files: readonly string[], windowStart?: number): Promise<ErrorsReport> {
  const grouper = new ErrorGrouper(windowStart);
  let records = 0;
  let errorRecords = 0;
  let unreadableLines = 0;
  for (const file of files) {
    await eachLine(file, (line, complete) => {
      if (line === '') return;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        if (complete) unreadableLines++; // an incomplete last line is a record being written
        return;
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        unreadableLines++;
        return;
      }
      records++;
      const level = (record as { level?: unknown }).level;
      if (level === 'error' || level === 'fatal' || level === 50 || level === 60) errorRecords++;
      grouper.add(record as Record<string, unknown>, file);
    });
  }
  return { files, since: windowStart === undefined ? null : new Date(windowStart).toISOString(), records, errorRecords, unreadableLines, groups: grouper.result() };
}

/**
 * Calls `onLine` for each line of a file, gunzipping a `.gz`. A live file is
 * read to its size at the start; its last line, when it has no newline yet,
 * is passed with `complete` false.
 */
async function eachLine(file: string, onLine: (line: string, complete: boolean) => void): Promise<void> {
  const raw = createReadStream(file);
  const input: Readable = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  if (input !== raw) raw.on('error', (err) => input.destroy(err));
  const decoder = new StringDecoder('utf8');
  let partial = '';
  for await (const chunk of input) {
    const text = partial + decoder.write(chunk as Buffer);
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line, true);
  }
  partial += decoder.end();
  if (partial !== '') onLine(partial, false);
}

function describe(r: ErrorsReport, top: number): string {
  const window = r.since === null ? 'all records' : `since ${r.since}`;
  const out = [
    `${r.groups.length} error ${r.groups.length === 1 ? 'group' : 'groups'} in ${r.errorRecords} error and fatal records of ${r.records} read from ${r.files.length} ${r.files.length === 1 ? 'file' : 'files'} (${window})`,
  ];
  if (r.unreadableLines > 0) out.push(`${r.unreadableLines} lines were not JSON records and were skipped`);
  const shown = top === 0 ? r.groups : r.groups.slice(0, top);
  for (const g of shown) {
    out.push('');
    const levels = g.levels.fatal > 0 ? ` (${g.levels.fatal} fatal)` : '';
    const what = g.type === null ? '(no error object)' : escapeText(g.type);
    const fingerprint = g.fingerprint === null ? '' : `  fingerprint ${g.fingerprint}${g.computed ? ' (computed)' : ''}`;
    out.push(`${String(g.count).padStart(7)} x ${what}${levels}${fingerprint}${g.new ? '  NEW' : ''}`);
    out.push(`          first seen ${g.firstSeen ?? 'unknown'}, last seen ${g.lastSeen ?? 'unknown'}${g.names.length > 0 ? `, in ${g.names.map(escapeText).join(', ')}` : ''}`);
    out.push(`          e.g. "${escapeText(g.example.message)}"`);
    if (g.topFrame !== null) out.push(`          at ${escapeText(g.topFrame)}`);
  }
  if (shown.length < r.groups.length) out.push('', `... and ${r.groups.length - shown.length} more groups (--top 0 or --json for all)`);
  return `${out.join('\n')}\n`;
}
