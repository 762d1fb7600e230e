import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from '../support/paths';
import { parseLines, tempDir } from '../support/run-fixture';

/** Runs the fixture as the service would run: in its own working directory. */
function run(cwd: string, mode: string, marker?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [fixturePath('fatal-marker.js'), mode, ...(marker === undefined ? [] : [marker])], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function metrics(cwd: string, marker?: string): Record<string, number> {
  const r = run(cwd, 'metrics', marker);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return Object.fromEntries(r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
}

describe('FATAL exits in /metrics, counted by the next start', () => {
  it('counts fatal() and captured crashes in .prodlog/<name>.fatal.json and serves them at the next start', () => {
    const cwd = tempDir('fatal-exits');
    expect(metrics(cwd)).toEqual({ 'prodlog_fatal_exits_total{logger="checkout"}': 0, 'prodlog_last_fatal_exit_timestamp_seconds{logger="checkout"}': 0 });
    const before = Date.now();
    expect(run(cwd, 'fatal').status).toBe(1);
    const crash = run(cwd, 'crash');
    expect(crash.status).toBe(1);
    const after = Date.now();
    const marker = join(cwd, '.prodlog', 'checkout.fatal.json');
    expect(JSON.parse(readFileSync(marker, 'utf8'))).toMatchObject({ exits: 2, lastMessage: 'uncaught exception' });
    const m = metrics(cwd);
    expect(m['prodlog_fatal_exits_total{logger="checkout"}']).toBe(2);
    const at = m['prodlog_last_fatal_exit_timestamp_seconds{logger="checkout"}']! * 1000;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    // the marker is written after the record is durable: the log's last record is the crash
    const records = parseLines(readFileSync(join(cwd, 'log', 'checkout.log'), 'utf8'));
    expect(records.at(-1)).toMatchObject({ level: 'fatal', msg: 'uncaught exception', err: { type: 'Error', message: 'unexpected state', fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) } });
  });

  it('writes where fatal.marker says, and nothing with fatal.marker false', () => {
    const cwd = tempDir('fatal-exits');
    const marker = join(cwd, 'state', 'exits.json');
    expect(run(cwd, 'fatal', marker).status).toBe(1);
    expect(metrics(cwd, marker)['prodlog_fatal_exits_total{logger="checkout"}']).toBe(1);
    expect(run(cwd, 'fatal', 'false').status).toBe(1);
    expect(existsSync(join(cwd, '.prodlog'))).toBe(false);
    expect(metrics(cwd, 'false')).toEqual({ 'prodlog_fatal_exits_total{logger="checkout"}': 0, 'prodlog_last_fatal_exit_timestamp_seconds{logger="checkout"}': 0 });
  });

  it('still exits with FATAL, saying why on stderr, when the marker cannot be written', () => {
    const cwd = tempDir('fatal-exits');
    const r = run(cwd, 'fatal', join(fixturePath('fatal-marker.js'), 'exits.json')); // a path under a file
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^prodlog: could not count the FATAL exit in .*exits\.json: E\w+: /m);
    const records = parseLines(readFileSync(join(cwd, 'log', 'checkout.log'), 'utf8'));
    expect(records.at(-1)).toMatchObject({ level: 'fatal', msg: 'payments configuration missing' });
  });
});
