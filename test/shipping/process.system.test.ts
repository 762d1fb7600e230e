import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { Spool } from '../../transports/shipping/Spool';
import { freePort, Rsyslog, type ReceivedMessage } from '../support/rsyslog';
import { runFixture, tempDir } from '../support/run-fixture';
import { fixturePath } from '../support/paths';

let rsyslog: Rsyslog;

beforeAll(async () => {
  rsyslog = await Rsyslog.start({ durable: true });
});

afterAll(async () => {
  await rsyslog?.stop();
});

const fromApp = (app: string, messages: ReceivedMessage[]): Record<string, unknown>[] =>
  messages.filter((m) => m.appname === app).map((m) => JSON.parse(m.msg) as Record<string, unknown>);

/** Every record left in a spool directory (read the way a restarted service would). */
function spooled(dir: string): Record<string, unknown>[] {
  const spool = new Spool({ dir, maxBytes: Number.MAX_SAFE_INTEGER, segmentBytes: 1 << 30, chunkChars: 1 << 16 });
  const out: Record<string, unknown>[] = [];
  for (;;) {
    const batch = spool.read(10_000, 1 << 30);
    if (batch.records.length === 0) break;
    out.push(...batch.records.map((r) => JSON.parse(r.line) as Record<string, unknown>));
    spool.commit(batch, batch.records.length);
  }
  spool.close();
  return out;
}

/** The pid of the fixture's process, from what it printed as it exited. */
function fixturePid(stdout: string): number {
  return (JSON.parse(stdout) as { pid: number }).pid;
}

function runAsync(fixture: string, args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fixturePath(fixture), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('exit', (status) => resolve({ status, stdout }));
  });
}

describe('FATAL with a syslog transport, in a real process', () => {
  it('20,000 records then fatal(): all 20,001 reach rsyslog over RELP before the process exits', () => {
    const dir = tempDir('fatal-up');
    const run = runFixture('ship-fatal.js', ['relp', String(rsyslog.ports.relp), dir, '20000', '10000']);
    expect(run.status).toBe(1);
    // Read right after the exit, without waiting: rsyslog (Direct queue) wrote each record before acknowledging it.
    const records = fromApp('ship-fatal', rsyslog.received());
    const ids = new Set(records.map((r) => r['i']));
    expect(ids.size).toBe(20_001); // 20,000 numbered records and the fatal one (i undefined)
    expect(records.find((r) => r['level'] === 'fatal')).toMatchObject({ msg: 'config missing', path: '/etc/app.json' });
    const { fatalAt, exitAt } = JSON.parse(run.stdout) as { fatalAt: number; exitAt: number };
    process.stdout.write(`FATAL drain of 20,001 records over RELP: ${exitAt - fatalAt} ms\n`);
    expect(spooled(dir)).toHaveLength(0); // delivered, so gone from the spool
  });

  it('an uncaught exception after 20,000 records: the delivery worker gets all of them and the crash record to rsyslog before the exit', () => {
    const dir = tempDir('crash-up');
    const run = runFixture('ship-fatal.js', ['relp', String(rsyslog.ports.relp), dir, '20000', '10000', 'throw']);
    expect(run.status).toBe(1);
    const records = fromApp('ship-fatal', rsyslog.received()).filter((r) => r['pid'] === fixturePid(run.stdout));
    expect(new Set(records.map((r) => r['i'])).size).toBe(20_001);
    expect(records.find((r) => r['level'] === 'fatal')).toMatchObject({ msg: 'uncaught exception', err: { message: 'unexpected state' } });
    expect(spooled(dir)).toHaveLength(0);
  });

  it('with the receiver down, 100,000 records then fatal() leave 100,001 in the spool and the exit comes by the deadline', async () => {
    const dir = tempDir('fatal-down');
    const port = await freePort(); // nothing listens there
    const run = runFixture('ship-fatal.js', ['relp', String(port), dir, '100000', '1500']);
    expect(run.status).toBe(1);
    const { fatalAt, exitAt } = JSON.parse(run.stdout) as { fatalAt: number; exitAt: number };
    expect(exitAt - fatalAt).toBeLessThanOrEqual(1_500 + 100);
    const records = spooled(dir); // durable: the next start delivers them
    expect(records).toHaveLength(100_001);
    expect(records.slice(0, 100_000).every((r, i) => r['i'] === i)).toBe(true);
    expect(records[100_000]).toMatchObject({ level: 'fatal', msg: 'config missing' });
  });

  it('with a receiver that accepts and never answers, the drain gives up and the process exits by the deadline', async () => {
    const silent: Server = createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const dir = tempDir('fatal-silent');
      const run = await runAsync('ship-fatal.js', ['relp', String(port), dir, '1000', '1000']);
      expect(run.status).toBe(1);
      const { fatalAt, exitAt } = JSON.parse(run.stdout) as { fatalAt: number; exitAt: number };
      // The drain kept trying until just before the deadline (it stops 80 ms early to exit on its own)...
      expect(exitAt - fatalAt).toBeGreaterThanOrEqual(1_000 - 150);
      // ...and the exit did not come later than the deadline (plus scheduling slack on a busy machine).
      expect(exitAt - fatalAt).toBeLessThanOrEqual(1_000 + 100);
      expect(spooled(dir)).toHaveLength(1001);
    } finally {
      silent.close();
    }
  });
});

describe('restarts and crashes of the service', () => {
  it('a service restarted on the same spool directory delivers the backlog of the last run', async () => {
    const dir = tempDir('restart');
    const down = await freePort();
    const first = runFixture('ship-restart.js', [String(down), dir, '5000', '0', '300']);
    expect(JSON.parse(first.stdout)).toMatchObject({ delivered: 0, backlogRecords: 5000 });
    const second = await runAsync('ship-restart.js', [String(rsyslog.ports.relp), dir, '10', '5000', '30000']);
    expect(JSON.parse(second.stdout)).toMatchObject({ delivered: 5010, backlogRecords: 0 });
    const got = new Set(fromApp('ship-restart', rsyslog.received()).map((r) => r['i']));
    expect(got.size).toBe(5010);
  });

  it('kill -9 loses at most the records logged since the last append (one tick); the spool stays readable', async () => {
    const dir = tempDir('kill9');
    const child = spawn(process.execPath, [fixturePath('ship-kill.js'), String(await freePort()), dir], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (Number(out.trim().split('\n').at(-1)) >= 30_000) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const lastReported = Number(out.trim().split('\n').at(-1));
    const records = spooled(dir);
    const seen = records.map((r) => r['i'] as number);
    expect(seen).toEqual([...Array(seen.length).keys()]); // in order, no gap, no damage
    const lost = Math.max(0, lastReported + 1 - seen.length);
    process.stdout.write(`kill -9: ${lastReported + 1} records logged and reported, ${seen.length} in the spool, ${lost} lost\n`);
    // A report follows a batch of 100 in the same tick, before the end-of-tick append: at most that batch is lost.
    expect(lost).toBeLessThanOrEqual(100);
  });
});
