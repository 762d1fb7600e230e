import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouse } from '../../support/clickhouse';
import { tempDir } from '../../support/run-fixture';
import { fixturePath } from '../../support/paths';

const FIXTURE = fixturePath('http-clickhouse.js');

let clickhouse: ClickHouse;
let dir: string;

beforeAll(async () => {
  clickhouse = await ClickHouse.start();
});
afterAll(async () => {
  await clickhouse?.close();
});
beforeEach(async () => {
  dir = tempDir('http-outage');
  await clickhouse.resume();
  await clickhouse.query('TRUNCATE TABLE logs');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly health: { written: number; delivered: number; backlogRecords: number; failed: number; dropped: number; lastError: string | null };
  readonly stderr: string;
}

/** Runs the service in its own process, without blocking this one (the test talks to ClickHouse meanwhile). */
function service(mode: 'exit' | 'deliver' | 'fatal', from: number, count: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE, mode, clickhouse.insertUrl, join(dir, 'spool'), String(from), String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ code, health: JSON.parse(last) as Run['health'], stderr });
      } catch {
        reject(new Error(`service printed no health (exit ${code}): ${stdout}\n${stderr}`));
      }
    });
  });
}

describe('http transport to a real ClickHouse across an outage', () => {
  it('keeps 20,000 records in the spool while ClickHouse is down, across the exit of the service, and delivers all of them after both are back', async () => {
    await clickhouse.stop();

    const down = await service('exit', 0, 20_000);
    expect(down.code).toBe(0);
    expect(down.health).toMatchObject({ written: 20_000, delivered: 0, backlogRecords: 20_000, dropped: 0 });
    expect(readdirSync(join(dir, 'spool')).length).toBeGreaterThan(0);

    await clickhouse.resume();
    expect(await clickhouse.count()).toBe(0);

    // The service starts again, logs 100 more, and the spool drains: the old records first.
    const back = await service('deliver', 20_000, 100);
    expect(back.code).toBe(0);
    expect(back.health).toMatchObject({ backlogRecords: 0, failed: 0, dropped: 0 });
    expect(back.health.delivered).toBeGreaterThanOrEqual(20_100);

    const [stats] = await clickhouse.rows<{ distinct: string; lo: string; hi: string; ids: string; rows: string }>(
      'SELECT uniqExact(seq) AS distinct, min(seq) AS lo, max(seq) AS hi, uniqExact(logId) AS ids, count() AS rows FROM logs',
    );
    // Nothing lost: every seq is there. At-least-once: a row may come twice, with the same logId.
    expect(stats).toMatchObject({ distinct: '20100', lo: '0', hi: '20099' });
    expect(Number(stats!.ids)).toBe(20_100);
    expect(Number(stats!.rows)).toBeGreaterThanOrEqual(20_100);
  });

  it('delivers N records and the FATAL record before the process exits with code 1', async () => {
    const run = await service('fatal', 0, 5_000);
    expect(run.code).toBe(1);
    expect(await clickhouse.count()).toBeGreaterThanOrEqual(5_001);
    const [stats] = await clickhouse.rows<{ distinct: string; fatal: string }>("SELECT uniqExact(seq) AS distinct, countIf(level = 'fatal') AS fatal FROM logs");
    expect(stats).toEqual({ distinct: '5001', fatal: '1' });
  });
});
