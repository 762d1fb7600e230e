import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { allLines, expectEachOnce, fileTestDir, indexesIn, logFiles } from '../../support/file-logs';
import { runFixture } from '../../support/file-fixture';

const N = 100_000;
const ROTATE = JSON.stringify({ size: '256K', compress: 'gzip' });

interface Burst {
  readonly records: number;
  readonly compressing: boolean;
}

async function burst(ending: string, records: number, rotate: string, until = '') {
  const dir = fileTestDir(`exit-${ending}`);
  const path = join(dir, 'app.log');
  const run = await runFixture('file-burst.js', [ending, String(records), path, rotate, until]);
  const first = run.stdout.split('\n')[0] ?? '';
  const state = (first.startsWith('{') ? JSON.parse(first) : { records: -1, compressing: false }) as Burst;
  return { dir, run, state, lines: allLines(dir) };
}

function recordsOf(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('no record is lost or duplicated when the process ends during rotation', () => {
  it(`${N.toLocaleString('en-US')} records then fatal() while rotated files are being gzipped: each record once across the current, rotated and .gz files, the fatal record last, exit code 1`, async () => {
    const { dir, run, state, lines } = await burst('fatal', N, ROTATE, 'yielding');
    expect(run.status).toBe(1);
    expect(state.compressing).toBe(true); // the exit really came with a compression in flight
    expect(state.records).toBeGreaterThanOrEqual(N);
    expectEachOnce(indexesIn(lines), state.records);
    expect(recordsOf(lines).at(-1)).toMatchObject({ level: 'fatal', msg: 'stopping', reason: 'test' });
    expect(logFiles(dir).filter((n) => n.endsWith('.log.gz')).length).toBeGreaterThan(0);
  });

  it('the same in a loop that never yields: compressed files wait, uncommitted, and nothing is doubled', async () => {
    const { run, state, lines } = await burst('fatal', N, ROTATE, 'tight');
    expect(run.status).toBe(1);
    expect(state.compressing).toBe(true);
    expectEachOnce(indexesIn(lines), state.records);
    expect(recordsOf(lines).at(-1)).toMatchObject({ level: 'fatal', msg: 'stopping' });
  });

  it('an uncaught exception during rotation: every record and the crash record on disk, non-zero exit', async () => {
    const { run, state, lines } = await burst('throw', N, ROTATE, 'yielding');
    expect(run.status).toBe(1);
    expect(state.compressing).toBe(true);
    expectEachOnce(indexesIn(lines), state.records);
    expect(recordsOf(lines).at(-1)).toMatchObject({ level: 'fatal', msg: 'uncaught exception', err: { message: 'unexpected state' } });
  });

  it('process.exit() during rotation loses nothing', async () => {
    const { run, state, lines } = await burst('exit', N, ROTATE, 'yielding');
    expect(run.status).toBe(0);
    expect(state.compressing).toBe(true);
    expectEachOnce(indexesIn(lines), state.records);
  });

  it('close() during rotation writes everything and finishes the compressions in hand: only .gz rotated files remain', async () => {
    const { dir, run, state, lines } = await burst('close', N, ROTATE, 'tight');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('closed');
    expect(state.compressing).toBe(true);
    expectEachOnce(indexesIn(lines), state.records);
    const rotated = logFiles(dir).filter((n) => n !== 'app.log');
    expect(rotated.length).toBeGreaterThan(20);
    expect(rotated.every((n) => n.endsWith('.log.gz'))).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('300,000 records through the logger at full speed, rotating every 256 KiB with gzip: each exactly once', async () => {
    const { dir, run, state, lines } = await burst('close', 300_000, ROTATE, 'yielding');
    expect(run.status).toBe(0);
    expect(state.records).toBeGreaterThanOrEqual(300_000);
    expect(logFiles(dir).length).toBeGreaterThan(100);
    expectEachOnce(indexesIn(lines), state.records);
  });

  it('a plain file (no rotation) keeps its guarantee too: fatal after a burst leaves every record', async () => {
    const { run, state, lines } = await burst('fatal', N, '-', 'tight');
    expect(run.status).toBe(1);
    expect(state.records).toBe(N);
    expectEachOnce(indexesIn(lines), N);
    expect(lines).toHaveLength(N + 1);
  });
});
