import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger, type LoggerOptions } from '../../../src';
import type { TransportHealth } from '../../../src/core/transport';
import { HttpReceiver } from '../../support/http-receiver';
import { tempDir } from '../../support/run-fixture';
import { fixturePath } from '../../support/paths';
import { until } from '../../support/until';

type HttpOptions = Extract<NonNullable<LoggerOptions['transports']>[number], { type: 'http' }>;

let receiver: HttpReceiver;
let dir: string;
let stderr: jest.SpyInstance;
const loggers: Logger[] = [];

beforeEach(async () => {
  receiver = await HttpReceiver.start();
  dir = tempDir('http-transport');
  // Refusals are announced on stderr; keep them for the tests that check them, out of the test output.
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  for (const log of loggers.splice(0)) await log.close();
  stderr.mockRestore();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function httpLogger(options: Partial<HttpOptions> & Pick<HttpOptions, 'format'>, path = '/ingest'): Logger {
  const log = createLogger({
    name: 'checkout',
    capture: false,
    transports: [{ type: 'http', url: receiver.url + path, spool: { dir: join(dir, 'spool') }, batch: { interval: '0s' }, retry: { initial: '10ms', max: '50ms' }, ...options }],
  });
  loggers.push(log);
  return log;
}

function health(log: Logger): TransportHealth {
  return log.health().transports[0]!;
}


describe('http transport', () => {
  it('ships records through the spool as OTLP, with the logger name as service.name', async () => {
    const log = httpLogger({ format: 'otlp' }, '/v1/logs');
    for (let i = 0; i < 100; i++) log.info('order placed', { orderId: i });
    await until(() => health(log).delivered === 100, 'all 100 are delivered');
    const bodies = receiver.requests.map((r) => JSON.parse(r.body));
    const logRecords = bodies.flatMap((b) => b.resourceLogs.flatMap((rl: { scopeLogs: { logRecords: unknown[] }[] }) => rl.scopeLogs.flatMap((s) => s.logRecords)));
    expect(logRecords).toHaveLength(100);
    expect(bodies[0].resourceLogs[0].resource.attributes[0]).toEqual({ key: 'service.name', value: { stringValue: 'checkout' } });
    expect(receiver.requests[0]!.url).toBe('/v1/logs');
    expect(health(log)).toMatchObject({ type: 'http', name: `http:otlp:${receiver.url}/v1/logs`, ok: true, written: 100, failed: 0, backlogRecords: 0 });
  });

  it('writes a batch the receiver refuses to the dead-letter file next to the spool, counts it and warns once', async () => {
    receiver.responder = () => ({ status: 400, body: 'line too long' });
    const log = httpLogger({ format: 'loki', batch: { interval: '0s', maxRecords: 10 } }, '/loki/api/v1/push');
    for (let i = 0; i < 25; i++) log.warn('slow', { i });
    await until(() => health(log).failed === 25, 'all 25 are refused');
    expect(health(log)).toMatchObject({ delivered: 0, failed: 25, backlogRecords: 0, ok: false });
    const dead = readFileSync(join(dir, 'spool.dead-letter.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dead).toHaveLength(25);
    expect(dead[0]).toMatchObject({ reason: expect.stringContaining('HTTP 400: line too long'), id: expect.any(String), record: { level: 'warn', msg: 'slow', i: 0 } });
    expect(dead.map((d) => d.record.i)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const warnings = stderr.mock.calls.map((c) => String(c[0])).filter((t) => t.includes('dead-letter'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(dir, 'spool.dead-letter.ndjson'));
  });

  it.each([503, 500])('retries a %i and delivers once the receiver recovers', async (status) => {
    let refusals = 3;
    receiver.responder = () => (refusals-- > 0 ? { status, headers: { 'retry-after': '0' } } : { status: 200 });
    const log = httpLogger({ format: 'ndjson' });
    for (let i = 0; i < 10; i++) log.info('x', { i });
    await until(() => health(log).delivered === 10, `delivered after the ${status}s`);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(4);
    expect(health(log)).toMatchObject({ failed: 0, ok: true });
  });

  it('delivers through a receiver with a small body limit (413), and dead-letters only a record too large on its own', async () => {
    receiver.responder = (req) => (req.wireBody.length > 2_000 ? { status: 413, body: 'body too large' } : { status: 200 });
    const log = httpLogger({ format: 'ndjson' });
    for (let i = 0; i < 50; i++) log.info(i === 30 ? 'x'.repeat(3_000) : 'order placed', { i });
    await until(() => health(log).backlogRecords === 0 && (health(log).delivered ?? 0) + health(log).failed === 50, 'all 50 settled');
    expect(health(log)).toMatchObject({ delivered: 49, failed: 1 });
    const delivered = receiver.requests.filter((r) => r.wireBody.length <= 2_000).flatMap((r) => r.body.trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i));
    expect(delivered).toEqual(Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== 30));
    const dead = readFileSync(join(dir, 'spool.dead-letter.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; record: { i: number } });
    expect(dead).toEqual([expect.objectContaining({ reason: expect.stringContaining('HTTP 413: body too large'), record: expect.objectContaining({ i: 30 }) })]);
  });

  it('counts records an OTLP receiver refused without saying which as failed', async () => {
    receiver.responder = () => ({ status: 200, body: '{"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"too old"}}' });
    const log = httpLogger({ format: 'otlp', batch: { interval: '0s', maxRecords: 1_000 } }, '/v1/logs');
    for (let i = 0; i < 5; i++) log.info('x', { i });
    await until(() => health(log).backlogRecords === 0, 'the batch is answered');
    // Counted once: as failed, not also as delivered.
    expect(health(log)).toMatchObject({ failed: 2 * receiver.requests.length, delivered: 5 - 2 * receiver.requests.length });
    const note = JSON.parse(readFileSync(join(dir, 'spool.dead-letter.ndjson'), 'utf8').split('\n')[0]!);
    expect(note).toMatchObject({ unidentifiedRecords: 2, reason: 'receiver rejected 2 log records: too old' });
  });

  it('labels Loki streams as configured', async () => {
    const log = httpLogger({ format: 'loki', loki: { labels: { app: 'name', region: 'region' }, staticLabels: { env: 'prod' } } }, '/loki/api/v1/push');
    log.info('x', { region: 'eu' });
    await until(() => health(log).delivered === 1, 'delivered');
    expect(JSON.parse(receiver.requests[0]!.body).streams[0].stream).toEqual({ env: 'prod', app: 'checkout', region: 'eu' });
  });

  it('a service that ends on its own still sends the records waiting for the batch interval before it exits', async () => {
    const child = spawn(process.execPath, [fixturePath('http-quiet-end.js'), `${receiver.url}/ingest`, join(dir, 'quiet'), '300'], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const seqs = receiver.requests.flatMap((r) => r.body.trim().split('\n')).map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual([0, 1, 2]);
    expect(receiver.requests).toHaveLength(2); // the last two waited for the interval and went together
  });
});

describe('http transport configuration', () => {
  const base = { type: 'http' as const, url: 'http://127.0.0.1:1/x', format: 'ndjson' as const };
  function problem(options: Record<string, unknown>): string {
    try {
      createLogger({ capture: false, transports: [{ ...base, ...options } as HttpOptions] });
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected a configuration error');
  }

  it.each([
    [{ url: 'ftp://logs.example/x' }, 'transports[0].url: "ftp://logs.example/x" is not an http:// or https:// URL'],
    [{ format: 'gelf' }, 'transports[0].format: "gelf" is not one of ndjson, otlp, loki, elasticsearch'],
    [{ headers: { 'x-token': 'a\r\nInjected: 1' } }, 'transports[0].headers.x-token: "a\\r\\nInjected: 1" contains a line break or NUL'],
    [{ headers: { 'content-length': '5' } }, 'transports[0].headers.content-length: "5" is under a header the transport sets itself'],
    [{ format: 'otlp', loki: { labels: {} } }, 'transports[0].loki: {"labels":{}} is set but format is "otlp"'],
    [{ format: 'loki', loki: { labels: { message: 'msg' } } }, 'transports[0].loki.labels.message: "msg" is unbounded'],
    [{ format: 'loki', loki: { staticLabels: { __name__: 'x' } } }, 'transports[0].loki.staticLabels.__name__: "x" is under a label name starting with __'],
    [{ format: 'elasticsearch', elasticsearch: { index: 'Logs-%{service}' } }, 'transports[0].elasticsearch.index: "Logs-%{service}" is not a usable index pattern: index names are lower case'],
    [{ format: 'otlp', ndjson: { rawField: 'raw' } }, 'transports[0].ndjson: {"rawField":"raw"} is set but format is "otlp": these options apply to format "ndjson" only'],
    [{ ndjson: { rawField: 'msg' } }, 'transports[0].ndjson.rawField: "msg" is a key the line has already; not one of level, time, pid, hostname, name, msg, err, logId'],
    [{ ndjson: { rawField: 'record.raw' } }, 'transports[0].ndjson.rawField: "record.raw" is not a plain key name like "raw" (letters, digits and _, not starting with a digit)'],
    [{ ndjson: { rawField: true } }, 'transports[0].ndjson.rawField: true'],
    [{ ndjson: { raw: 'raw' } }, 'unknown key "raw"; allowed keys: rawField'],
    [{ batch: { interval: '-1s' } }, 'transports[0].batch.interval: "-1s" is not a duration'],
    [{ compress: 'brotli' }, 'transports[0].compress: "brotli"'],
    [{ timeout: '5ms' }, 'transports[0].timeout: "5ms" is below 100ms'],
    [{ retry: { serverError: -1 } }, 'transports[0].retry.serverError: -1 is not a duration'],
    [{ retry: { serverEror: '1s' } }, 'unknown key "serverEror"'],
    [{ spool: { dir: '/tmp/x' }, urll: 'x' }, 'unknown key "urll"'],
  ])('refuses %j at startup: %s', (options, message) => {
    expect(problem(options)).toContain(message);
  });
});

describe('flush({ delivered: true })', () => {
  const seqsReceived = (): Set<number> => new Set(receiver.requests.flatMap((r) => r.body.trim().split('\n')).map((l) => (JSON.parse(l) as { seq: number }).seq));

  it('resolves once the receiver has acknowledged every record logged before it, without waiting out the batch interval', async () => {
    const log = httpLogger({ format: 'ndjson', batch: { interval: '1m' } });
    for (let seq = 0; seq < 3_000; seq++) log.info('r', { seq });
    const report = await log.flush({ delivered: true, timeoutMs: 20_000 });
    expect(report).toEqual({ complete: true, pending: 0, transports: [{ name: health(log).name, pending: 0 }] });
    expect(seqsReceived().size).toBe(3_000); // in the receiver already, not merely in the spool
  });

  it('with the receiver failing, returns at its timeout and says how many records are still pending', async () => {
    receiver.responder = () => ({ status: 503 });
    const log = httpLogger({ format: 'ndjson' });
    for (let seq = 0; seq < 500; seq++) log.info('r', { seq });
    const report = await log.flush({ delivered: true, timeoutMs: 300 });
    expect(report).toMatchObject({ complete: false, pending: 500 });
    receiver.responder = () => ({ status: 200 });
    expect(await log.flush({ delivered: true, timeoutMs: 20_000 })).toMatchObject({ complete: true, pending: 0 });
    expect(seqsReceived().size).toBe(500);
  });

  it('counts records refused for good as settled, not pending (they are in the dead-letter file)', async () => {
    receiver.responder = () => ({ status: 400, body: 'bad rows' });
    const log = httpLogger({ format: 'ndjson' });
    for (let seq = 0; seq < 10; seq++) log.info('r', { seq });
    expect(await log.flush({ delivered: true, timeoutMs: 20_000 })).toMatchObject({ complete: true, pending: 0 });
    expect(health(log)).toMatchObject({ failed: 10, delivered: 0 });
  });
});
