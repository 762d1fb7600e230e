import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src';
import { clickhouseSchema, insertQuery } from '../../src/cli/clickhouseSchema';
import type { CommandIo } from '../../src/cli/CommandIo';
import { clickhouseSchemaCommand } from '../../src/cli/clickhouseSchemaCommand';
import { ClickHouse } from '../support/clickhouse';
import { REPO } from '../support/paths';
import { parseLines, runFixture, tempDir } from '../support/run-fixture';

/** The named queries of docs/alerts/clickhouse.sql, as written there. */
function storeQueries(): Map<string, string> {
  const text = readFileSync(join(REPO, 'docs', 'alerts', 'clickhouse.sql'), 'utf8');
  const out = new Map<string, string>();
  for (const part of text.split(/^-- query: /m).slice(1)) {
    const name = part.slice(0, part.indexOf('\n')).trim();
    out.set(name, part.slice(part.indexOf('\n') + 1).trim().replace(/;$/, ''));
  }
  return out;
}

function schemaOf(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: '/' };
  return { code: clickhouseSchemaCommand(args, io), stdout, stderr };
}

/** POSTs JSON lines to ClickHouse as the ndjson transport does. */
function insert(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let clickhouse: ClickHouse;
beforeAll(async () => {
  clickhouse = await ClickHouse.start();
  await clickhouse.query('DROP TABLE logs'); // the harness's own table; ours takes its name
});
afterAll(async () => {
  await clickhouse?.close();
});

describe('prodlog clickhouse-schema and docs/alerts/clickhouse.sql, on a real ClickHouse', () => {
  it('prints a table that ClickHouse creates, with a TTL clause unless --ttl none', async () => {
    const withTtl = schemaOf([]);
    const noTtl = schemaOf(['--ttl', 'none']);
    expect(withTtl.code).toBe(0);
    expect(withTtl.stdout).toBe(`${noTtl.stdout}TTL event_date + INTERVAL 30 DAY\n`);
    expect(schemaOf(['--ttl', '2w']).stdout).toContain('TTL event_date + INTERVAL 14 DAY\n');
    // ClickHouse 18.16 (Debian's, which the suite runs) predates TTL (19.6)
    await clickhouse.query(noTtl.stdout);
    const columns = await clickhouse.rows<{ name: string; type: string }>("SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = 'logs'");
    expect(columns).toEqual(expect.arrayContaining([{ name: 'err.fingerprint', type: 'String' }, { name: 'event_time', type: 'DateTime' }, { name: 'pid', type: 'UInt32' }, { name: 'raw', type: 'String' }]));
    expect(noTtl.stdout).toContain('"format": "ndjson", "ndjson": { "rawField": "raw" }, "url"');
    expect(schemaOf(['--raw-field', 'none']).stdout).not.toMatch(/\braw\b/);
    expect(schemaOf(['--raw-field', 'record_json']).stdout).toMatch(/^ {2}record_json +String COMMENT/m);
    const declared = schemaOf(['--table', 'shop.requests', '--ttl', 'none', '--field', 'requestId:String', '--field', 'status:UInt16']);
    await clickhouse.query('CREATE DATABASE IF NOT EXISTS shop');
    await clickhouse.query(declared.stdout);
    const requestColumns = await clickhouse.rows<{ name: string; type: string }>("SELECT name, type FROM system.columns WHERE database = 'shop' AND table = 'requests'");
    expect(requestColumns).toEqual(expect.arrayContaining([{ name: 'requestId', type: 'String' }, { name: 'status', type: 'UInt16' }]));
  });

  it('refuses bad options, naming the value and what is allowed', () => {
    expect(schemaOf(['--ttl', '36h'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--ttl "36h" is not a whole number of days like "30d"') });
    expect(schemaOf(['--table', 'logs; DROP TABLE x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a table name') });
    expect(schemaOf(['--field', 'status:Bool'])).toMatchObject({ code: 2, stderr: expect.stringContaining('the type "Bool" is not one of String, Int8') });
    expect(schemaOf(['--field', 'err.type:String'])).toMatchObject({ code: 2, stderr: expect.stringContaining('is one of the columns the table always has') });
    expect(schemaOf(['--raw-field', 'msg'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--raw-field "msg" is a key the line has already; not one of level, time, pid, hostname, name, msg, err, logId') });
    expect(schemaOf(['--raw-field', 'a.b'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--raw-field "a.b" is not a plain key name') });
    expect(schemaOf(['--field', 'raw:String'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--raw-field "raw" is also given with --field') });
    expect(schemaOf(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('--ttl <days>d|none'), stderr: '' });
  });

  it('answers the three alert queries on records shipped by prodlog', async () => {
    // An hour and more ago: the charge site failed already (records as prodlog writes them, their time moved back 2 h).
    const earlier = runFixture('ship-errors.js', ['print']);
    expect(earlier.status).toBe(0);
    const twoHoursAgo = Date.now() - 2 * 3_600_000;
    const old = parseLines(earlier.stdout).map((r, i) => JSON.stringify({ ...r, time: new Date(twoHoursAgo + i).toISOString(), logId: `old.${i}` }));
    expect(await insert(`${clickhouse.url}/?${insertQuery('logs')}`, `${old.join('\n')}\n`)).toBe(200);
    // Now: the service ships charge and refund failures, then exits with FATAL.
    const spool = join(tempDir('clickhouse-alerts'), 'spool');
    const run = runFixture('ship-errors.js', ['ship', `${clickhouse.url}/?${insertQuery('logs')}`, spool]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    await until('the shipped records', async () => (await clickhouse.count()) === 3 + 4 + 4 + 2 + 1);

    const queries = storeQueries();
    expect([...queries.keys()]).toEqual(['error-rate-by-fingerprint', 'new-fingerprint-last-hour', 'fatal-last-5-minutes']);
    const [oldCharge] = await clickhouse.rows<{ fp: string; n: string }>("SELECT `err.fingerprint` AS fp, count() AS n FROM logs WHERE logId LIKE 'old.%' GROUP BY fp");
    expect(oldCharge).toMatchObject({ n: '3' });
    expect(oldCharge!.fp).toMatch(/^[0-9a-f]{16}$/);

    const rate = await clickhouse.rows<{ fingerprint: string; type: string; records: string; example: string }>(queries.get('error-rate-by-fingerprint')!);
    expect(rate.map((r) => [r.type, r.records])).toEqual([
      ['RangeError', '4'],
      ['TypeError', '2'],
      ['', '1'], // the fatal record, which has no error object
    ]);
    expect(rate[0]!.fingerprint).toBe(oldCharge!.fp); // the same site, other messages, two hours apart
    expect(rate[0]!.example).toMatch(/^amount for order \d is over the limit$/);

    const fresh = await clickhouse.rows<{ fingerprint: string; type: string; records: string; service: string }>(queries.get('new-fingerprint-last-hour')!);
    expect(fresh).toEqual([expect.objectContaining({ fingerprint: rate[1]!.fingerprint, type: 'TypeError', records: '2', service: 'payments' })]);

    const fatal = await clickhouse.rows<{ name: string; msg: string; pid: number }>(queries.get('fatal-last-5-minutes')!);
    expect(fatal).toEqual([expect.objectContaining({ name: 'payments', msg: 'payments configuration missing' })]);
  });

  it('keeps the keys without a column in raw (ndjson.rawField), redacted, for the queries docs/alerts/README.md shows', async () => {
    await clickhouse.query(schemaOf(['--table', 'raw_logs', '--ttl', 'none']).stdout);
    const log = createLogger({
      name: 'checkout',
      capture: false,
      transports: [{ type: 'http', format: 'ndjson', ndjson: { rawField: 'raw' }, url: `${clickhouse.url}/?${insertQuery('raw_logs')}`, spool: { dir: join(tempDir('clickhouse-raw'), 'spool') }, batch: { interval: '0s' } }],
    });
    const note = 'she said "hi"\nthen left: Zürich 東京 😀';
    try {
      log.info('order placed', { requestId: 'req-1', amount: 19.99, customer: { id: 'c-7', plan: 'pro' }, note, password: 'hunter2' });
      log.info('order placed', { requestId: 'req-2', amount: 5, customer: { id: 'c-8', plan: 'free' }, raw: 'the service\'s own raw' });
      log.warn('slow query', { requestId: 'req-1', ms: 1200 });
      await until('the records in raw_logs', async () => Number((await clickhouse.query('SELECT count() FROM raw_logs')).trim()) === 3);
    } finally {
      await log.close();
    }
    // As in docs/alerts/README.md: a string, a number, a nested key through its object.
    const rows = await clickhouse.rows<{ msg: string; request: string; amount: number; customer_id: string; note: string; has_password: number; password: string; own_raw: string }>(`
      SELECT
        msg,
        visitParamExtractString(raw, 'requestId') AS request,
        visitParamExtractFloat(raw, 'amount') AS amount,
        visitParamExtractString(visitParamExtractRaw(raw, 'customer'), 'id') AS customer_id,
        visitParamExtractString(raw, 'note') AS note,
        visitParamHas(raw, 'password') AS has_password,
        visitParamExtractString(raw, 'password') AS password,
        visitParamExtractString(raw, 'raw') AS own_raw
      FROM raw_logs
      WHERE visitParamExtractString(raw, 'requestId') IN ('req-1', 'req-2')
      ORDER BY request, msg`);
    expect(rows).toEqual([
      { msg: 'order placed', request: 'req-1', amount: 19.99, customer_id: 'c-7', note, has_password: 1, password: '[Redacted]', own_raw: '' },
      { msg: 'slow query', request: 'req-1', amount: 0, customer_id: '', note: '', has_password: 0, password: '', own_raw: '' },
      { msg: 'order placed', request: 'req-2', amount: 5, customer_id: 'c-8', note: '', has_password: 0, password: '', own_raw: "the service's own raw" },
    ]);
    expect(await clickhouse.query("SELECT count() FROM raw_logs WHERE position(raw, 'hunter2') > 0")).toBe('0\n');
    // The typed columns are filled as without the option.
    const [first] = await clickhouse.rows<{ name: string; logId: string; raw: string }>("SELECT name, logId, raw FROM raw_logs WHERE msg = 'order placed' ORDER BY event_time, event_ms LIMIT 1");
    expect(first!.name).toBe('checkout');
    expect(first!.logId).not.toBe('');
    expect(JSON.parse(first!.raw)).toMatchObject({ level: 'info', name: 'checkout', requestId: 'req-1', note, password: '[Redacted]', msg: 'order placed' });
  });

  it('matches what the schema module says the insert needs', () => {
    expect(insertQuery('logs')).toBe('query=INSERT%20INTO%20logs%20FORMAT%20JSONEachRow&input_format_skip_unknown_fields=1&input_format_import_nested_json=1');
    expect(clickhouseSchema({ table: 'logs', ttlDays: null, fields: [], rawField: 'raw' })).toContain(`/?${insertQuery('logs')}"`);
  });
});
