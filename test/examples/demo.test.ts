import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

function lastRecordOnDisk(varDir: string): Record<string, unknown> | undefined {
  return parseLines(readFileSync(join(varDir, 'log', 'checkout.log'), 'utf8')).at(-1);
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
    expect(output).toMatch(/\nAll \d+ claims held\.\n$/);
    // And on disk, independently of what the demo says.
    expect(lastRecordOnDisk(varDir)).toMatchObject({ level: 'fatal', msg: 'payments configuration missing' });
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
      expect(received.at(-1)).toMatchObject({ level: 'fatal', msg: 'payments configuration missing' });
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
