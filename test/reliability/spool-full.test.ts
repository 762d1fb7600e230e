import { join } from 'node:path';
import { LoadService } from '../support/load-service';
import { count, recordFigure } from '../support/reliability-figures';
import { Rsyslog } from '../support/rsyslog';
import { tempDir } from '../support/run-fixture';

const OUTAGE_RECORDS = 20_000; // about 5 MB of records against a 512 KiB spool
const AFTER = 100;

let rsyslog: Rsyslog;
beforeAll(async () => {
  rsyslog = await Rsyslog.start({ durable: true });
});
afterAll(async () => {
  await rsyslog?.stop();
});

describe('the spool past spool.shedAt and at its cap while the receiver is down', () => {
  it('drops the newest info records past shedAt, counts them by reason and level in health, warns once on stderr, and ships a warn record with the count once there is room', async () => {
    await rsyslog.stop(); // down from the start: nothing leaves the spool
    const service = new LoadService({
      logger: {
        name: 'rel-spool-full',
        transports: [{ type: 'syslog', host: '127.0.0.1', port: rsyslog.ports.relp, protocol: 'relp', spool: { dir: join(tempDir('rel-spool-full'), 'spool'), maxBytes: '512K' }, retry: { initial: '50ms', max: '200ms' } }],
      },
      steps: [
        { log: { records: OUTAGE_RECORDS, perTick: 200, pad: 100 } },
        { health: true },
        { stdin: true },
        { drain: 30_000 },
        { log: { from: OUTAGE_RECORDS, records: AFTER } },
        { drain: 30_000 },
        { close: true },
      ],
    });
    const { health: [full] } = await service.health();
    await rsyslog.restart();
    service.proceed();
    const done = await service.done();

    const records = rsyslog.received().filter((m) => m.appname === 'rel-spool-full').map((m) => JSON.parse(m.msg) as Record<string, unknown>);
    const kept = full!.written;
    const dropped = full!.dropped;
    const notice = records.find((r) => r['msg'] === 'records were dropped from the spool');
    const warnings = service.stderr.split('\n').filter((l) => l.includes('dropped so far'));
    recordFigure({
      id: 'spool-full',
      fault: 'spool of 512 KiB filling while the receiver (rsyslog, RELP) is down; info records, default spool.shedAt 0.8',
      happened:
        `${count(OUTAGE_RECORDS)} info records logged during the outage: the spool took the first ${count(kept)} and, past 80% of its cap, shed the ${count(dropped)} newest (health.droppedBy.shed.info ${count(full!.droppedBy?.shed.info ?? 0)}), ` +
        `${warnings.length} warning on stderr; after the restart rsyslog got the ${count(kept)}, then a warn record "dropped": ${String(notice?.['dropped'] ?? 'missing')}, then the next ${AFTER}.`,
      lost: `${count(dropped)} dropped by policy, counted and announced`,
      duplicates: '0',
      memory: '',
    });

    expect(full).toMatchObject({ ok: false, written: kept, failed: 0, delivered: 0 });
    expect(kept + dropped).toBe(OUTAGE_RECORDS);
    expect(dropped).toBeGreaterThan(OUTAGE_RECORDS / 2);
    expect(full!.backlogBytes).toBeLessThanOrEqual(512 * 1024);
    // Info records go no further than spool.shedAt (0.8 of the cap by default): the last fifth is kept for warn and above.
    expect(full!.backlogBytes).toBeLessThanOrEqual(0.8 * 512 * 1024);
    expect(full!.droppedBy?.shed).toEqual({ debug: 0, info: dropped, warn: 0, error: 0, fatal: 0 });
    expect(warnings).toHaveLength(1);
    // Newest dropped: what arrives is the oldest records in order, the notice, then what came after.
    const order = records.map((r) => (typeof r['i'] === 'number' ? r['i'] : 'notice'));
    const expected = [...Array(kept).keys(), 'notice', ...Array.from({ length: AFTER }, (_, k) => OUTAGE_RECORDS + k)];
    expect(order).toEqual(expected);
    expect(notice).toMatchObject({ level: 'warn', name: 'rel-spool-full', dropped, shed: { info: dropped } });
    expect(done.health[0]).toMatchObject({ backlogRecords: 0, dropped });
  });
});
