import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { HttpReceiver } from '../support/http-receiver';
import { REPO } from '../support/paths';
import { parseLines, tempDir } from '../support/run-fixture';

const DEMO = join(REPO, 'examples', 'service', 'run-demo.js');

interface DemoRun {
  readonly code: number | null;
  readonly output: string;
  readonly varDir: string;
}

/**
 * Runs `node examples/service/run-demo.js` (what `npm run demo` runs after the
 * build) in a child process, with its runtime files in a fresh folder.
 * Asynchronous, so that a receiver in this process can answer the service.
 */
function runDemo(env: Record<string, string> = {}): Promise<DemoRun> {
  const varDir = tempDir('demo');
  const { PRODLOG_SHIP_URL: _url, PRODLOG_SYSLOG_HOST: _host, LOG_LEVEL: _level, ...inherited } = process.env;
  const child = spawn(process.execPath, [DEMO], { cwd: REPO, env: { ...inherited, CHECKOUT_VAR_DIR: varDir, ...env } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output, varDir })));
}

/** Every record of the live and rotated log files. */
function allRecordsOnDisk(varDir: string): Record<string, unknown>[] {
  const dir = join(varDir, 'log');
  return readdirSync(dir)
    .filter((f) => f.startsWith('checkout.') && (f.endsWith('.log') || f.endsWith('.gz')))
    .sort() // rotated files (checkout.<time>.<n>.log.gz) before the active one, oldest first
    .flatMap((f) => parseLines((f.endsWith('.gz') ? gunzipSync(readFileSync(join(dir, f))) : readFileSync(join(dir, f))).toString('utf8')));
}

/** The demo restarts the service after its FATAL exit: the record before the second startup record. */
function recordBeforeRestart(records: readonly Record<string, unknown>[]): Record<string, unknown> | undefined {
  const startups = records.flatMap((r, i) => (r['msg'] === 'startup' ? [i] : []));
  const restart = startups.at(-1) ?? 0;
  return startups.length > 1 && restart > 0 ? records[restart - 1] : undefined;
}

describe('npm run demo', () => {
  it('with no receiver configured: a stand-in, rotation, outage and recovery, FATAL on disk; every claim holds', async () => {
    const { code, output, varDir } = await runDemo();
    expect(output).not.toContain('FAILED');
    expect(code).toBe(0);
    expect(output).toContain('so the demo starts a STAND-IN');
    expect(output).toContain('It is not a log store');
    expect(output).toMatch(/checked: a rotated file was compressed: checkout\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d+\.log\.gz/);
    const growth = /checked: the spool backlog grows while the receiver is down \((\d+) then (\d+) records\)/.exec(output);
    expect(Number(growth?.[2])).toBeGreaterThan(Number(growth?.[1]));
    expect(output).toMatch(/after 30 more: \/healthCheck 500, http:ndjson:\S+: ok=false, backlogRecords=\d+/);
    expect(output).toContain('checked: the backlog drained to 0');
    expect(output).toMatch(/checked: the backlog drained to 0 .*\n.*checked: \/healthCheck reports the pipeline healthy after delivery\n/);
    expect(output).toMatch(/checked: the receiver counts the same records \((\d+) distinct records received/);
    expect(output).toContain('checked: its last record is the FATAL one, with the request id');
    expect(output).toContain('checked: the FATAL record reached the receiver before the exit');
    // the exceptions grouped by fingerprint with `prodlog errors`, shown and checked
    expect(output).toMatch(/\n {3,}4 x Error  fingerprint [0-9a-f]{16}  NEW\n/);
    expect(output).toMatch(/\n {3,}3 x TypeError  fingerprint [0-9a-f]{16}  NEW\n/);
    expect(output).toMatch(/e\.g\. "payments answered 500 for order o-64"\n {3,}at (Server\.)?handle \(.*server\.js:\d+:\d+\)\n/);
    expect(output).toMatch(/e\.g\. "refund of o-7: the order has no payment"\n {3,}at refund \(.*server\.js:\d+:\d+\)\n/);
    expect(output).toMatch(/checked: the 4 upstream failures, each with its own message, are one group \(fingerprint [0-9a-f]{16}\)/);
    expect(output).toMatch(/checked: the 3 refund failures, thrown at another site, are another \(fingerprint [0-9a-f]{16}\)/);
    expect(output).toContain('checked: both fingerprints come from the records themselves');
    expect(output).toContain('checked: prodlog_fatal_exits_total counts the FATAL exit');
    expect(output).toMatch(/\nAll \d+ claims held\.\n$/);
    // And on disk, independently of what the demo says: the FATAL record is the last before the restart.
    expect(recordBeforeRestart(allRecordsOnDisk(varDir))).toMatchObject({ level: 'fatal', msg: 'payments configuration missing' });
    const errors = allRecordsOnDisk(varDir).flatMap((r) => (typeof r['err'] === 'object' && r['err'] !== null ? [r['err'] as Record<string, unknown>] : []));
    const fingerprints = (type: string): Set<unknown> => new Set(errors.filter((e) => e['type'] === type).map((e) => e['fingerprint']));
    expect([...fingerprints('Error')]).toHaveLength(1);
    expect([...fingerprints('TypeError')]).toHaveLength(1);
    expect([...fingerprints('Error')][0]).not.toBe([...fingerprints('TypeError')][0]);
    expect(readdirSync(join(varDir, 'log')).some((f) => f.endsWith('.log.gz'))).toBe(true);
  });

  it('with PRODLOG_SHIP_URL set: ships to that receiver, says so, and starts no stand-in', async () => {
    const receiver = await HttpReceiver.start();
    try {
      const { code, output } = await runDemo({ PRODLOG_SHIP_URL: `${receiver.url}/ingest` });
      expect(output).not.toContain('FAILED');
      expect(code).toBe(0);
      expect(output).toContain(`PRODLOG_SHIP_URL is set: the service ships to the REAL receiver ${receiver.url}/ingest; no stand-in.`);
      expect(output).not.toContain('STAND-IN');
      const received = receiver.requests.flatMap((r) => parseLines(r.body));
      expect(received.length).toBeGreaterThan(300);
      expect(recordBeforeRestart(received)).toMatchObject({ level: 'fatal', msg: 'payments configuration missing' });
    } finally {
      await receiver.close();
    }
  });

  it('exits non-zero, naming the claims that failed, when the receiver refuses the records', async () => {
    const receiver = await HttpReceiver.start(() => ({ status: 400, body: 'refused' }));
    try {
      const { code, output } = await runDemo({ PRODLOG_SHIP_URL: `${receiver.url}/ingest` });
      expect(code).toBe(1);
      expect(output).toMatch(/FAILED: +every record the service spooled was delivered \(from \/metrics\) \(written \d+, shipped 0\)/);
      expect(output).toMatch(/FAILED: +\/healthCheck reports the pipeline healthy/);
      expect(output).toMatch(/dead letters: \d+ records in \S+http\.dead-letter\.ndjson/); // shown by `prodlog spool`
      expect(output).toMatch(/demo FAILED: \d+ of \d+ claims did not hold:\n(.*\n)*  - every record the service spooled was delivered/);
    } finally {
      await receiver.close();
    }
  });
});
