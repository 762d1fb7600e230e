import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLogger, DEFAULT_SECRET_EXACT, DEFAULT_SECRET_SUFFIXES, requestLogger, type Logger } from '../../src';
import { closedPort, HttpReceiver } from '../support/http-receiver';
import { memoryLogger } from '../support/memory-logger';
import { Rsyslog } from '../support/rsyslog';
import { tempDir } from '../support/run-fixture';

/**
 * Default redaction proven end to end: every default secret key, in every
 * position a service puts data, through every transport (a file, syslog to a
 * real rsyslog over RELP, OTLP over HTTP to a local receiver, a spool whose
 * receiver is down) and through the request logging middleware. Each secret
 * value is unique, so a leak names the key and the position it came from.
 * test/core/redaction.test.ts covers the serialiser alone; this covers what reaches
 * the disk and the wire.
 */

const spellings = (key: string): string[] => [key, key.toUpperCase(), `db_${key}`, `X-${key}`, `user${key[0]!.toUpperCase()}${key.slice(1)}`];
const KEYS = [...DEFAULT_SECRET_EXACT.flatMap((k) => [k, k.toUpperCase()]), ...DEFAULT_SECRET_SUFFIXES.flatMap(spellings)];
const POSITIONS = ['top level', 'nested object', 'array element', 'child binding', 'nested binding', 'error property', 'error cause', 'aggregated error', 'Map entry'] as const;

/** secret value -> where it was logged; values look alike so one pattern finds them all. */
const planted = new Map<string, string>();
function secret(key: string, position: string): string {
  const value = `S3CR3T${planted.size}x`;
  planted.set(value, `${JSON.stringify(key)} as ${position}`);
  return value;
}
const SECRET_PATTERN = /S3CR3T\d+x/g;

/** Every planted secret found in `text`, named by where it was logged. */
function leaks(text: string): string[] {
  return [...new Set(text.match(SECRET_PATTERN) ?? [])].map((v) => planted.get(v) ?? v);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function logEverywhere(log: Logger, key: string): void {
  const s = (position: (typeof POSITIONS)[number]): string => secret(key, position);
  const inner = Object.assign(new Error('inner failure'), { [key]: s('aggregated error') });
  const err = Object.assign(new Error('payment failed', { cause: { [key]: s('error cause') } }), { [key]: s('error property') });
  log.child({ [key]: s('child binding'), ctx: { [key]: s('nested binding') } }).error('with secrets', {
    [key]: s('top level'),
    order: { payment: { [key]: s('nested object') } },
    list: [{ [key]: s('array element') }],
    lookup: new Map([[key, s('Map entry')]]),
    err,
    errors: new AggregateError([inner], 'several failed'),
  });
}

let rsyslog: Rsyslog;
let receiver: HttpReceiver;
beforeAll(async () => {
  [rsyslog, receiver] = await Promise.all([Rsyslog.start(), HttpReceiver.start()]);
});
afterAll(async () => {
  await Promise.all([rsyslog?.stop(), receiver?.close()]);
});

describe('default redaction on every transport', () => {
  it(`no default secret key (${KEYS.length} spellings) in ${POSITIONS.length} positions, nor request credentials (headers, query strings, a Referer, node:http request and response objects, a connection string), reaches a file, rsyslog, an OTLP receiver or a spool`, async () => {
    const dir = tempDir('sec-redaction');
    const log = createLogger({
      name: 'sec-redaction',
      capture: false,
      transports: [
        { type: 'file', path: join(dir, 'app.log') },
        { type: 'syslog', host: '127.0.0.1', port: rsyslog.ports.relp, protocol: 'relp', maxMessageBytes: '64K', spool: { dir: join(dir, 'relp-spool') } },
        { type: 'http', url: `${receiver.url}/v1/logs`, format: 'otlp', batch: { interval: '0s' }, spool: { dir: join(dir, 'http-spool') } },
        { type: 'syslog', host: '127.0.0.1', port: await closedPort(), protocol: 'relp', spool: { dir: join(dir, 'down-spool') } },
      ],
    });
    for (const key of KEYS) logEverywhere(log, key);

    // The request logging middleware, with credentials in headers, in the query string and in a Referer's query;
    // the handler also logs the node:http request and response objects themselves, and a connection string.
    const server = http.createServer((req, res) => {
      requestLogger(log)(req, res);
      res.setHeader('Set-Cookie', `sid=${secret('Set-Cookie', 'response header')}`);
      log.info('handling', { req, res, db: `postgres://app:${secret('password', 'connection string')}@db.internal/shop` });
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const headerKeys = KEYS.filter((k) => /^[A-Za-z0-9_-]+$/.test(k)).concat('Authorization', 'Cookie', 'Proxy-Authorization', 'X-Api-Key', 'X-Auth-Token');
    for (const key of headerKeys) {
      const path = `/orders?token=${secret('token', 'query string')}&${key}=${secret(key, 'query string')}`;
      await new Promise<void>((resolve, reject) => {
        http
          .get(
            {
              host: '127.0.0.1',
              port: (server.address() as AddressInfo).port,
              path,
              agent: false,
              headers: { [key]: secret(key, 'request header'), referer: `https://idp.example/cb?code=${secret('code', 'referer query')}` },
            },
            (res) => res.resume().on('end', resolve),
          )
          .on('error', reject);
      });
    }
    await new Promise((resolve) => server.close(resolve));
    const total = KEYS.length + headerKeys.length * 2; // per request: the access record and the handler's record

    await log.flush();
    const fromRsyslog = await rsyslog.waitFor((m) => m.filter((x) => x.appname === 'sec-redaction').length >= total, 30_000);
    const otlpRecords = (): number => receiver.requests.reduce((n, r) => n + (r.body.match(/"severityNumber"/g)?.length ?? 0), 0);
    for (const deadline = Date.now() + 30_000; otlpRecords() < total && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    const fileText = readFileSync(join(dir, 'app.log'), 'utf8');
    const spoolText = filesUnder(join(dir, 'down-spool')).map((f) => readFileSync(f, 'latin1')).join('\n');
    await log.close();

    // Everything arrived, with the censor in place of each secret: the scan below had something to scan.
    expect(fileText.split('\n').filter((l) => l !== '')).toHaveLength(total);
    expect(otlpRecords()).toBe(total);
    expect(log.health().transports[3]).toMatchObject({ written: total, backlogRecords: total });
    // Top level, nested object, array element, Map entry and error cause are written censored; the error
    // serialiser keeps no other own property of an error, so those two positions are absent, not censored.
    expect(fileText.match(/\[Redacted\]/g)?.length).toBeGreaterThanOrEqual(KEYS.length * 5 + headerKeys.length);

    expect(leaks(fileText)).toEqual([]);
    expect(leaks(readFileSync(rsyslog.outFile, 'utf8'))).toEqual([]);
    expect(fromRsyslog.length).toBeGreaterThanOrEqual(total);
    expect(leaks(receiver.requests.map((r) => r.body).join('\n'))).toEqual([]);
    expect(leaks(spoolText)).toEqual([]);
  });
});

describe('a secret in the bindings of a child logger', () => {
  it('is censored, and the other bindings stay on every record of the child', () => {
    const { log, memory } = memoryLogger();
    for (const key of KEYS) log.child({ requestId: `r-${key}`, [key]: 'S3CR3T-binding', ctx: { [key]: 'S3CR3T-nested' } }).info('m');
    expect(memory.lines.join('')).not.toContain('S3CR3T');
    expect(memory.records.map((r) => r['requestId'])).toEqual(KEYS.map((k) => `r-${k}`));
    expect(memory.records.every((r) => (r['ctx'] as Record<string, unknown> | undefined) !== undefined)).toBe(true);
  });
});
