import { join } from 'node:path';
import { ClickHouse } from '../support/clickhouse';
import { LoadService } from '../support/load-service';
import { count, recordFigure } from '../support/reliability-figures';
import { Rsyslog } from '../support/rsyslog';
import { tempDir } from '../support/run-fixture';

const RECORDS = 20_000;
const OUTAGE_MS = 500;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A service logging RECORDS records at a steady pace (100 every 5 ms or so)
 * while the test kills its receiver mid-stream and starts it again; the
 * service then waits for its backlog to drain and closes.
 */
function steadyService(name: string, transport: Record<string, unknown>): LoadService {
  return new LoadService({
    logger: { name, transports: [{ ...transport, spool: { dir: join(tempDir(name), 'spool') }, retry: { initial: '50ms', max: '250ms' } }] },
    steps: [{ log: { records: RECORDS, perTick: 100, tickMs: 5, pad: 100 } }, { drain: 60_000 }, { close: true }],
  });
}

describe('the receiver killed with SIGKILL mid-stream and restarted', () => {
  it('rsyslog over RELP: none of 20,000 records lost, duplicates counted', async () => {
    const rsyslog = await Rsyslog.start({ durable: true });
    try {
      const service = steadyService('rel-relp', { type: 'syslog', host: '127.0.0.1', port: rsyslog.ports.relp, protocol: 'relp' });
      const fromService = (m: { appname: string }[]): number => m.filter((x) => x.appname === 'rel-relp').length;
      const before = fromService(await rsyslog.waitFor((m) => fromService(m) >= 3_000, 30_000));
      await rsyslog.stop('SIGKILL');
      await pause(OUTAGE_MS);
      await rsyslog.restart();
      const done = await service.done();

      const indexes = rsyslog.received().filter((m) => m.appname === 'rel-relp').map((m) => (JSON.parse(m.msg) as { i: number }).i);
      const unique = new Set(indexes);
      const lost = RECORDS - unique.size;
      const duplicates = indexes.length - unique.size;
      recordFigure({
        id: 'receiver-restart-relp',
        fault: 'rsyslog (RELP) killed with SIGKILL mid-stream, restarted 0.5 s later',
        happened: `${count(before)} of ${count(RECORDS)} records had arrived when rsyslog was killed; the rest waited in the spool and went out on a new RELP session after the restart.`,
        lost: `${lost} of ${count(RECORDS)}`,
        duplicates: `${count(duplicates)} (unacknowledged when the session broke; same id)`,
        memory: '',
      });
      expect(lost).toBe(0);
      expect(done.health[0]).toMatchObject({ backlogRecords: 0, dropped: 0, failed: 0 });
      // Only frames in flight when the session broke come twice: at most the RELP window (1,024) per batch in flight (2).
      expect(duplicates).toBeLessThanOrEqual(2 * 1_024);
    } finally {
      await rsyslog.stop();
    }
  });

  it('ClickHouse over HTTP: none of 20,000 records lost, duplicates counted', async () => {
    const clickhouse = await ClickHouse.start();
    try {
      await clickhouse.query('CREATE TABLE shipped (i UInt64, logId String, name String) ENGINE = MergeTree ORDER BY i');
      const url = `${clickhouse.url}/?query=INSERT%20INTO%20shipped%20FORMAT%20JSONEachRow&input_format_skip_unknown_fields=1`;
      const service = steadyService('rel-clickhouse', { type: 'http', url, format: 'ndjson', batch: { maxRecords: 1_000, interval: '50ms' }, timeout: '2s' });
      const rows = async (): Promise<number> => Number((await clickhouse.query('SELECT count() FROM shipped')).trim());
      const deadline = Date.now() + 30_000;
      let before = 0;
      while ((before = await rows()) < 3_000 && Date.now() < deadline) await pause(50);
      await clickhouse.stop();
      await pause(OUTAGE_MS);
      await clickhouse.resume();
      const done = await service.done();

      const [stats] = await clickhouse.rows<{ rows: string; unique: string; ids: string }>('SELECT count() AS rows, uniqExact(i) AS unique, uniqExact(logId) AS ids FROM shipped');
      const lost = RECORDS - Number(stats?.unique);
      const duplicates = Number(stats?.rows) - Number(stats?.unique);
      recordFigure({
        id: 'receiver-restart-clickhouse',
        fault: 'ClickHouse (HTTP, ndjson) killed with SIGKILL mid-stream, restarted 0.5 s later',
        happened: `${count(before)} of ${count(RECORDS)} rows were in when ClickHouse was killed; failed inserts were retried from the spool after the restart.`,
        lost: `${lost} of ${count(RECORDS)}`,
        duplicates: `${count(duplicates)} (an insert ClickHouse took but did not answer; same logId)`,
        memory: '',
      });
      expect(lost).toBe(0);
      expect(Number(stats?.ids)).toBe(RECORDS); // every duplicate carries the id of its original
      expect(done.health[0]).toMatchObject({ backlogRecords: 0, dropped: 0, failed: 0 });
    } finally {
      await clickhouse.close();
    }
  });
});
