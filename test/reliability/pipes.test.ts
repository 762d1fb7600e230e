import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TransportHealth } from '../../src/core/transport';
import { LoadService } from '../support/load-service';
import { count, recordFigure } from '../support/reliability-figures';
import { tempDir } from '../support/run-fixture';
import { fixturePath } from '../support/paths';
import { BIN } from '../support/prodlog-cli';

const AFTER = 20_000;

function fileRecords(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const epipeReports = (stderr: string): string[] => stderr.split('\n').filter((l) => /^prodlog: console:stdout: EPIPE/.test(l));

describe('stdout that goes away', () => {
  it('`service | prodlog pretty` with the pretty printer killed: the service runs on, counts the failed writes, and its file transport keeps every record', async () => {
    const path = join(tempDir('rel-pretty'), 'app.log');
    const pretty = spawn(process.execPath, [BIN, 'pretty', '--no-color'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let printed = '';
    pretty.stdout.on('data', (d: Buffer) => (printed += d.toString()));
    const prettyExited = new Promise((resolve) => pretty.once('exit', resolve));
    const service = new LoadService(
      {
        logger: { name: 'rel-pretty', transports: [{ type: 'console' }, { type: 'file', path }] },
        steps: [{ log: { records: 200, perTick: 10, tickMs: 5 } }, { stdin: true }, { log: { from: 200, records: AFTER } }, { close: true }],
      },
      { stdout: pretty.stdin },
    );
    pretty.stdin.destroy(); // the service holds the only write end now: the pipe breaks when pretty dies
    await service.logSummary(0);
    for (const deadline = Date.now() + 20_000; !printed.includes('i: 199'); await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > deadline) throw new Error(`prodlog pretty printed no record 199 in 20 s: ${printed.slice(-500)}`);
    }
    pretty.kill('SIGKILL');
    await prettyExited;
    service.proceed();
    const done = await service.done();
    const exit = await service.exited;

    const [console, file] = done.health as [TransportHealth, TransportHealth];
    const inFile = fileRecords(path);
    recordFigure({
      id: 'pretty-killed',
      fault: 'stdout piped to `prodlog pretty`, the pretty process killed with SIGKILL',
      happened:
        `200 records printed by prodlog pretty, which was then killed; the service logged ${count(AFTER)} more: the console transport counted ${count(console.failed)} failed writes (${console.lastError ?? 'no error'}), ` +
        `reported once on stderr; the file transport wrote all ${count(inFile.length)}; exit code ${exit.code}.`,
      lost: `stdout: ${count(console.failed)} (nobody reads it); file: ${200 + AFTER - inFile.length}`,
      duplicates: '0',
      memory: '',
    });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(printed.split('\n').filter((l) => / INFO \(rel-pretty/.test(l))).toHaveLength(200);
    expect(console).toMatchObject({ ok: false, lastError: expect.stringMatching(/^EPIPE/) });
    expect(console.failed).toBeGreaterThan(0);
    expect(console.written + console.failed).toBe(200 + AFTER);
    expect(epipeReports(service.stderr)).toHaveLength(1);
    expect(file).toMatchObject({ ok: true, written: 200 + AFTER, failed: 0 });
    expect(inFile.map((r) => r['i'])).toEqual([...Array(200 + AFTER).keys()]);
  });

  it('a closed stdout (EPIPE) does not change FATAL: exit code 1, and every record and the FATAL one in the file', async () => {
    const path = join(tempDir('rel-epipe-fatal'), 'app.log');
    const service = new LoadService(
      {
        logger: { name: 'rel-epipe', transports: [{ type: 'console' }, { type: 'file', path }] },
        steps: [{ stdin: true }, { log: { records: 10_000, perTick: 1_000 } }, { fatal: true }],
      },
      { stdout: 'closed' },
    );
    service.proceed();
    const exit = await service.exited;
    const inFile = fileRecords(path);
    recordFigure({
      id: 'epipe-fatal',
      fault: 'stdout closed (EPIPE), then 10,000 records and fatal()',
      happened: `exit code ${exit.code ?? exit.signal}; the file held ${count(inFile.length)} records, the last one ${String(inFile.at(-1)?.['level'])}; EPIPE reported ${epipeReports(service.stderr).length} time(s) on stderr.`,
      lost: `file: ${10_001 - inFile.length}`,
      duplicates: '0',
      memory: '',
    });
    expect(exit).toEqual({ code: 1, signal: null });
    expect(inFile).toHaveLength(10_001);
    expect(inFile.at(-1)).toMatchObject({ level: 'fatal', msg: 'shutting down' });
    expect(epipeReports(service.stderr)).toHaveLength(1);
  });
});

interface FullPipeRun {
  readonly maxStallMs: number;
  readonly health: TransportHealth;
  readonly stderr: string;
  /** Every whole line the reader got, parsed. */
  readonly lines: Record<string, unknown>[];
  /** Lines that are not JSON: at most the last one, cut short when the service ended before the reader took the rest. */
  readonly torn: string[];
}

/**
 * Runs test/fixtures/console-full-pipe.js with a stdout that nobody reads until it has exited
 * (`reader: 'none'`), or that is read 4 KiB every 10 ms (`'slow'`).
 */
async function fullPipe(options: Record<string, unknown>, records: number, reader: 'none' | 'slow', touch = false): Promise<FullPipeRun> {
  const child: ChildProcess = spawn(process.execPath, [fixturePath('console-full-pipe.js'), JSON.stringify(options), String(records), '100', touch ? 'touch' : '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const stderrEnded = new Promise((resolve) => child.stderr!.once('end', resolve));
  const chunks: Buffer[] = [];
  const ended = new Promise((resolve) => child.stdout!.once('end', resolve));
  child.stdout!.pause();
  const slow = reader === 'slow' ? setInterval(() => {
    const b = child.stdout!.read(4096) as Buffer | null;
    if (b) chunks.push(b);
  }, 10) : undefined;
  // A writer that blocks for good must fail the test, not hang it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (c, s) => {
      // Now, not after an await: on exit Node resumes stdio nobody listens to, and its data would be lost.
      clearTimeout(guard);
      clearInterval(slow);
      child.stdout!.on('data', (d: Buffer) => chunks.push(d));
      child.stdout!.resume();
      resolve([c, s]);
    }),
  );
  await Promise.all([ended, stderrEnded]);
  const result = /RESULT (.*)/.exec(stderr);
  if (!result) throw new Error(`the service did not finish (exit ${code ?? signal}): blocked on its stdout? ${stderr.slice(0, 500)}`);
  const { maxStallMs, health } = JSON.parse(result[1]!) as { maxStallMs: number; health: TransportHealth };
  const text = Buffer.concat(chunks).toString('utf8');
  const whole = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '');
  const rest = text.slice(text.lastIndexOf('\n') + 1);
  const lines = whole.map((l) => JSON.parse(l) as Record<string, unknown>); // a torn line in the middle would throw
  return { maxStallMs, health, stderr, lines, torn: rest === '' ? [] : [rest] };
}

const dropReports = (stderr: string): string[] => stderr.split('\n').filter((l) => /^prodlog: console:stdout: .*dropped/.test(l));

describe('stdout that is not read (whenFull)', () => {
  it.each([false, true])('nobody reads stdout (process.stdout used by the service too: %s): the service goes on, the records the pipe cannot take are dropped, counted and reported once, and every record counted as written reached the pipe whole', async (touch) => {
    const RECORDS = 2000; // about 2 MB, ten times what the pipe holds
    const run = await fullPipe({}, RECORDS, 'none', touch);
    recordFigure({
      id: touch ? 'stdout-unread-touched' : 'stdout-unread',
      fault: `stdout a pipe nobody reads${touch ? ' (the service also uses process.stdout, which makes the pipe non-blocking)' : ''}; 2,000 records of 1 KB, 100 per event-loop turn`,
      happened: `longest event-loop stall ${run.maxStallMs} ms; ${count(run.health.written)} records reached the pipe, ${count(run.health.dropped)} dropped (whenFull: "drop", the default), reported ${dropReports(run.stderr).length} time(s) on stderr.`,
      lost: `stdout: ${count(run.health.dropped)} dropped, counted`,
      duplicates: '0',
      memory: '',
    });
    expect(run.health.dropped).toBeGreaterThan(0);
    expect(run.health.written + run.health.dropped).toBe(RECORDS);
    expect(run.health.failed).toBe(0);
    expect(run.lines).toHaveLength(run.health.written); // what was counted as written is what the reader got
    expect(run.torn.length).toBeLessThanOrEqual(1); // the record the pipe took in part when the service closed
    const seen = run.lines.map((r) => r['i'] as number);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(dropReports(run.stderr)).toHaveLength(1);
  });

  it('whenFull: "block": a reader that takes its time gets every record, none dropped', async () => {
    const run = await fullPipe({ whenFull: 'block' }, 1000, 'slow');
    recordFigure({
      id: 'stdout-slow-block',
      fault: 'stdout read slowly (4 KiB every 10 ms) with whenFull: "block"; 1,000 records of 1 KB',
      happened: `longest event-loop stall ${run.maxStallMs} ms (the service waits for the reader); ${count(run.health.written)} records written, ${count(run.health.dropped)} dropped.`,
      lost: '0',
      duplicates: '0',
      memory: '',
    });
    expect(run.health).toMatchObject({ written: 1000, dropped: 0, failed: 0 });
    expect(run.lines.map((r) => r['i'])).toEqual([...Array(1000).keys()]);
    expect(run.torn).toEqual([]);
  });

  it('a slow reader with the default (drop): what reaches it is whole and in order, the rest is counted', async () => {
    const run = await fullPipe({}, 2000, 'slow');
    recordFigure({
      id: 'stdout-slow-drop',
      fault: 'stdout read slowly (4 KiB every 10 ms), default whenFull: "drop"; 2,000 records of 1 KB, 100 per event-loop turn',
      happened: `longest event-loop stall ${run.maxStallMs} ms; ${count(run.health.written)} records written, ${count(run.health.dropped)} dropped and counted.`,
      lost: `stdout: ${count(run.health.dropped)} dropped, counted`,
      duplicates: '0',
      memory: '',
    });
    expect(run.health.written + run.health.dropped).toBe(2000);
    expect(run.lines).toHaveLength(run.health.written);
    expect(run.torn).toEqual([]); // a reader that reads gets the rest of a chunk it took in part
    const seen = run.lines.map((r) => r['i'] as number);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});
