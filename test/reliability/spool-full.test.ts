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

describe('the spool at its cap while the receiver is down', () => {
  it('drops the newest records, counts them in health, warns once on stderr, and ships a warn record with the count once there is room', async () => {
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
    const notice = records.find((r) => r['msg'] === 'spool at its cap: records were dropped');
    const warnings = service.stderr.split('\n').filter((l) => l.includes('is at its cap'));
    recordFigure({
      id: 'spool-full',
      fault: 'spool at its cap (512 KiB) while the receiver (rsyslog, RELP) is down',
      happened:
        `${count(OUTAGE_RECORDS)} records logged during the outage: the spool took the first ${count(kept)} and dropped the ${count(dropped)} newest (health.dropped), ` +
        `${warnings.length} warning on stderr; after the restart rsyslog got the ${count(kept)}, then a warn record "dropped": ${String(notice?.['dropped'] ?? 'missing')}, then the next ${AFTER}.`,
      lost: `${count(dropped)} dropped by policy, counted and announced`,
      duplicates: '0',
      memory: '',
    });

    expect(full).toMatchObject({ ok: false, written: kept, failed: 0, delivered: 0 });
    expect(kept + dropped).toBe(OUTAGE_RECORDS);
    expect(dropped).toBeGreaterThan(OUTAGE_RECORDS / 2);
    expect(full!.backlogBytes).toBeLessThanOrEqual(512 * 1024);
    expect(warnings).toHaveLength(1);
    // Newest dropped: what arrives is the oldest records in order, the notice, then what came after.
    const order = records.map((r) => (typeof r['i'] === 'number' ? r['i'] : 'notice'));
    const expected = [...Array(kept).keys(), 'notice', ...Array.from({ length: AFTER }, (_, k) => OUTAGE_RECORDS + k)];
    expect(order).toEqual(expected);
    expect(notice).toMatchObject({ level: 'warn', name: 'rel-spool-full', dropped });
    expect(done.health[0]).toMatchObject({ backlogRecords: 0, dropped });
  });
});
