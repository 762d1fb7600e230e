import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoadService, type LoadPlan } from '../support/load-service';
import { count, recordFigure } from '../support/reliability-figures';
import { Rsyslog, type ReceivedMessage } from '../support/rsyslog';
import { tempDir } from '../support/run-fixture';

const PER_TICK = 100;
const FSYNC_INTERVAL_MS = 200; // the spool's default, which this service keeps

let rsyslog: Rsyslog;
beforeAll(async () => {
  // Direct queues: rsyslog writes a message before acknowledging it, so any loss is the client's.
  rsyslog = await Rsyslog.start({ durable: true });
});
afterAll(async () => {
  await rsyslog?.stop();
});

/** Each distinct `i` received from `app`, and how many messages were repeats of one already seen. */
function received(app: string, messages: readonly ReceivedMessage[]): { unique: Set<number>; duplicates: number } {
  const unique = new Set<number>();
  let total = 0;
  for (const m of messages) {
    if (m.appname !== app) continue;
    const i = (JSON.parse(m.msg) as { i?: number }).i;
    if (typeof i !== 'number') continue;
    total++;
    unique.add(i);
  }
  return { unique, duplicates: total - unique.size };
}

/** The length of the run 0..n-1 at the start of `values`, which must hold nothing else. */
function contiguousFromZero(values: Iterable<number>): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.every((v, k) => v === k) ? sorted.length : -1;
}

describe('SIGKILL of a service logging to a file and shipping over RELP', () => {
  it('loses at most the burst it was killed in, nothing it had synced, and the next start delivers the backlog', async () => {
    const dir = tempDir('rel-kill');
    const logger = {
      name: 'rel-kill',
      transports: [
        { type: 'file', path: join(dir, 'app.log') },
        { type: 'syslog', host: '127.0.0.1', port: rsyslog.ports.relp, protocol: 'relp', spool: { dir: join(dir, 'spool') }, retry: { initial: '50ms', max: '200ms' } },
      ],
    };
    const plan: LoadPlan = { logger, steps: [{ log: { records: null, perTick: PER_TICK, syncEvery: 25, reportBursts: true, pad: 100 } }] };
    const service = new LoadService(plan);
    const started = Date.now();
    await service.waitFor((e) => typeof e['logged'] === 'number' && e['logged'] >= 20_000);
    await rsyslog.waitFor((m) => m.some((x) => x.appname === 'rel-kill'));
    await service.kill('SIGKILL');
    const runMs = Date.now() - started;
    const logged = service.last('logged') + 1;
    const synced = service.last('synced') + 1;

    // The file: a gapless prefix of what was logged, every line whole.
    const inFile = readFileSync(join(dir, 'app.log'), 'utf8').split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { i: number }).i);
    const fileKept = contiguousFromZero(inFile);

    // The next start of the same service, with the receiver up, delivers what the spool holds.
    const deliveredBeforeRestart = received('rel-kill', rsyslog.received()).unique.size;
    const next = new LoadService({ logger, steps: [{ drain: 30_000 }, { close: true }] });
    const done = await next.done();
    const shipped = received('rel-kill', rsyslog.received());
    const shippedKept = contiguousFromZero(shipped.unique);

    const perFsync = Math.round((logged / runMs) * FSYNC_INTERVAL_MS);
    const fileLost = logged - fileKept;
    const shipLost = logged - shippedKept;
    recordFigure({
      id: 'kill-9',
      fault: 'service killed with SIGKILL while logging to a file and over RELP to rsyslog',
      happened:
        `${count(logged)} records logged in ${runMs} ms (${count(synced)} flushed), then SIGKILL; ${count(deliveredBeforeRestart)} had reached rsyslog. ` +
        `The file kept ${count(fileKept)} in order; the next start delivered the spool's backlog, rsyslog then held ${count(shippedKept)} distinct records. ` +
        `Bound: the burst being logged (${PER_TICK} records); one fsync interval here was about ${count(perFsync)} records.`,
      lost: `file ${fileLost}, shipping ${shipLost}`,
      duplicates: `${count(shipped.duplicates)} (same id, resent after the restart)`,
      memory: '',
    });

    expect(fileKept).toBeGreaterThanOrEqual(synced); // no gap, no damage, nothing flushed missing
    expect(fileLost).toBeLessThanOrEqual(PER_TICK);
    expect(done.health[1]).toMatchObject({ backlogRecords: 0 });
    expect(shippedKept).toBeGreaterThanOrEqual(synced);
    expect(shipLost).toBeLessThanOrEqual(Math.min(PER_TICK, perFsync));
  });
});
