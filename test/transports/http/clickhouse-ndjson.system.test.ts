import { ndjsonFormat } from '../../../transports/http/formats/ndjsonFormat';
import type { SpoolRecord } from '../../../transports/shipping/Sink';
import { HttpBatchSender } from '../../../transports/http/HttpBatchSender';
import { HttpPoster } from '../../../transports/http/HttpPoster';
import { ClickHouse } from '../../support/clickhouse';

let clickhouse: ClickHouse;
let sender: HttpBatchSender | undefined;

beforeAll(async () => {
  clickhouse = await ClickHouse.start();
});
afterAll(async () => {
  await clickhouse?.close();
});
beforeEach(async () => {
  await clickhouse.query('TRUNCATE TABLE logs');
});
afterEach(() => sender?.close());

function ndjsonSender(compress: 'gzip' | undefined = undefined): HttpBatchSender {
  sender = new HttpBatchSender(ndjsonFormat, new HttpPoster({ url: new URL(clickhouse.insertUrl), headers: {}, compress, timeoutMs: 10_000 }));
  return sender;
}

function records(n: number, from = 0): SpoolRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    line: `${JSON.stringify({ level: 'info', time: `2026-11-26T06:30:53.${String((from + i) % 1000).padStart(3, '0')}Z`, pid: 42, hostname: 'vm', name: 'svc', seq: from + i, orderId: i, nested: { a: [1, 2] }, msg: `order ${from + i} placed` })}\n`,
  }));
}

describe('ndjson into a real ClickHouse', () => {
  it('lands every record as a row with its fields, event time and milliseconds', async () => {
    const result = await ndjsonSender().send(records(1_000));
    expect(result).toMatchObject({ kind: 'delivered' });
    expect(await clickhouse.count()).toBe(1_000);
    const [row] = await clickhouse.rows('SELECT time, level, name, hostname, pid, msg, seq, event_time, event_ms FROM logs WHERE seq = 7');
    expect(row).toEqual({ time: '2026-11-26T06:30:53.007Z', level: 'info', name: 'svc', hostname: 'vm', pid: 42, msg: 'order 7 placed', seq: '7', event_time: '2026-11-26 06:30:53', event_ms: 7 });
    expect(await clickhouse.rows('SELECT count() AS n, uniqExact(seq) AS distinct, min(seq) AS lo, max(seq) AS hi FROM logs')).toEqual([{ n: '1000', distinct: '1000', lo: '0', hi: '999' }]);
  });

  it('accepts gzip bodies', async () => {
    const result = await ndjsonSender('gzip').send(records(500, 5_000));
    expect(result).toMatchObject({ kind: 'delivered' });
    expect(result.sentBytes).toBeLessThan(500 * 40);
    expect(await clickhouse.count('seq >= 5000 AND seq < 5500')).toBe(500);
  });

  it('answers a row it cannot parse with a final error, so the batch is dead-lettered instead of retried forever', async () => {
    const bad = [{ line: '{"level":"info","time":"2026-11-26T06:30:53.078Z","pid":"not a number","msg":"x"}\n' }];
    const result = await ndjsonSender().send(bad);
    expect(result.kind).toBe('rejected');
    expect(result.kind === 'rejected' && result.reason).toMatch(/^HTTP 500: Code: 27/);
    expect(await clickhouse.count()).toBe(0);
  });
});
