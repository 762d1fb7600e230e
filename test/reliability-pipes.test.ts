import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TransportHealth } from '../src/transport';
import { LoadService } from './support/loadService';
import { count, recordFigure } from './support/reliabilityFigures';
import { tempDir } from './support/runFixture';

const BIN = join(__dirname, '..', 'bin', 'prodlog.js');
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
