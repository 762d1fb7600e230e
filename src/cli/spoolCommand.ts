import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { defaultDeadLetterPath, inspectSpool, type SpoolInspection } from '../../transports/shipping';
import { parseCommandArgs, type CommandSpec } from './commandArgs';
import type { CommandIo } from './CommandIo';

export const SPOOL: CommandSpec<{ 'dead-letter': { type: 'string' }; json: { type: 'boolean' } }> = {
  name: 'spool',
  usage: `usage: prodlog spool <dir> [--dead-letter <file>] [--json]

  A shipping spool's backlog, oldest record, lock holder, damaged blocks and
  dead letters. Read-only: safe on the spool of a running service.
  --dead-letter <file>   the dead-letter file (default <dir>.dead-letter.ndjson)
  --json                 the report as JSON
`,
  options: { 'dead-letter': { type: 'string' }, json: { type: 'boolean' } },
  operands: { min: 1, max: 1 },
};

export interface SpoolReport extends SpoolInspection {
  readonly deadLetters: DeadLetterReport;
}

export interface DeadLetterReport {
  readonly path: string;
  readonly exists: boolean;
  /** Records written to the file, plus refusals the receiver counted without naming records. */
  readonly records: number;
  readonly lastAt: string | null;
  /** Each reason and how many records it refused, most frequent first. */
  readonly reasons: readonly { readonly reason: string; readonly records: number }[];
}

/**
 * `prodlog spool <dir>`: what a shipping transport's spool holds, for an
 * operator: records and bytes not yet delivered, the oldest one's time,
 * damaged blocks, the lock holder and the dead-letter file beside it.
 * Strictly read-only: it takes no lock and writes nothing, so it is safe on
 * the spool of a running service (whose numbers may have moved on by the
 * time they are printed).
 */
export async function spoolCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(SPOOL, args, io);
  if (typeof parsed === 'number') return parsed;
  const { 'dead-letter': deadLetterArg, json } = parsed.values;
  const dir = resolve(io.cwd, parsed.operands[0]!);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    io.stderr(`prodlog spool: ${dir} is not a directory\n`);
    return 1;
  }
  const deadLetterPath = deadLetterArg !== undefined ? resolve(io.cwd, deadLetterArg) : defaultDeadLetterPath(dir);
  const report = { ...inspectSpool(dir), deadLetters: await inspectDeadLetters(deadLetterPath) };
  io.stdout(json === true ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
  return 0;
}

/** Reads the dead-letter file line by line (it can be tens of megabytes). */
async function inspectDeadLetters(path: string): Promise<DeadLetterReport> {
  if (!existsSync(path)) return { path, exists: false, records: 0, lastAt: null, reasons: [] };
  const byReason = new Map<string, number>();
  let records = 0;
  let lastAt: string | null = null;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    let entry: { deadAt?: unknown; reason?: unknown; unidentifiedRecords?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      entry = { reason: 'unreadable line in the dead-letter file' };
    }
    const count = typeof entry.unidentifiedRecords === 'number' ? entry.unidentifiedRecords : 1;
    const reason = typeof entry.reason === 'string' ? entry.reason : 'no reason given';
    records += count;
    byReason.set(reason, (byReason.get(reason) ?? 0) + count);
    if (typeof entry.deadAt === 'string') lastAt = entry.deadAt;
  }
  const reasons = [...byReason].map(([reason, n]) => ({ reason, records: n })).sort((a, b) => b.records - a.records);
  return { path, exists: true, records, lastAt, reasons };
}

function positionText(r: SpoolReport): string {
  if (r.backlogRecords === 0) return 'at the end (nothing to deliver)';
  if (r.position === null) return 'none';
  return `${r.position.segment}.seg byte ${r.position.offset} record ${r.position.skip}`;
}

function describe(r: SpoolReport): string {
  const out = [`spool: ${r.dir}`, `backlog: ${r.backlogRecords} records, ${r.backlogBytes} bytes in ${r.segments} segment${r.segments === 1 ? '' : 's'}`];
  out.push(`oldest record: ${r.oldestRecordTime ?? 'none'}`);
  out.push(`delivery position: ${positionText(r)}`);
  out.push(`lock: ${r.lock ? `pid ${r.lock.pid} (${r.lock.running ? 'running' : 'not running: the next process to open the spool takes it over'})` : 'none'}`);
  out.push(`damaged: ${r.damagedBytes} bytes skipped${r.incompleteTailBytes > 0 ? `; ${r.incompleteTailBytes} bytes at the end not yet a whole block (being written, or torn by a crash)` : ''}`);
  const d = r.deadLetters;
  if (!d.exists) out.push(`dead letters: none (no file ${d.path})`);
  else {
    out.push(`dead letters: ${d.records} records in ${d.path}, the last at ${d.lastAt ?? 'unknown'}`);
    for (const { reason, records } of d.reasons.slice(0, 5)) out.push(`  ${records} x ${reason}`);
    if (d.reasons.length > 5) out.push(`  ... and ${d.reasons.length - 5} other reasons (--json lists them all)`);
  }
  return `${out.join('\n')}\n`;
}
