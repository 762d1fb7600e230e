import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    expect(columns).toEqual(expect.arrayContaining([{ name: 'err.fingerprint', type: 'String' }, { name: 'event_time', type: 'DateTime' }, { name: 'pid', type: 'UInt32' }]));
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

  it('matches what the schema module says the insert needs', () => {
    expect(insertQuery('logs')).toBe('query=INSERT%20INTO%20logs%20FORMAT%20JSONEachRow&input_format_skip_unknown_fields=1&input_format_import_nested_json=1');
    expect(clickhouseSchema({ table: 'logs', ttlDays: null, fields: [] })).toContain(`/?${insertQuery('logs')}"`);
  });
});
