import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, createLogger, metricsText, type Logger } from '../../src';
import { allLines } from '../support/file-logs';
import { fixturePath } from '../support/paths';
import { HttpReceiver } from '../support/http-receiver';
import { parseLines, readRecords, tempDir } from '../support/run-fixture';

/** Options every logger of these tests takes: no process-wide listeners, no marker file, not getLogger()'s root. */
const QUIET = { capture: false, shutdown: false, warnings: false, root: false, fatal: { marker: false } } as const;

const opened: Logger[] = [];
function logger(options: Parameters<typeof createLogger>[0]): Logger {
  const log = createLogger({ configFile: false, ...QUIET, ...options });
  opened.push(log);
  return log;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
});

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('two loggers naming one log file share its transport', () => {
  const rotating = (path: string, size = '1M') => [{ type: 'file' as const, path, rotate: { size, maxFiles: 3 } }];

  it('a rotating file: the second createLogger() no longer fails with FileInUseError; one file, both loggers\' records in order', async () => {
    const path = join(tempDir('shared-file'), 'logs', 'app.log');
    const orders = logger({ name: 'orders', transports: rotating(path) });
    const payments = logger({ name: 'payments', transports: rotating(join(path, '..', '.', 'app.log')) }); // another spelling of the same file
    for (let i = 0; i < 3; i++) {
      orders.info('order', { i });
      payments.info('payment', { i });
    }
    await payments.flush();
    expect(readRecords(path).map((r) => `${String(r['name'])} ${String(r['i'])}`)).toEqual(['orders 0', 'payments 0', 'orders 1', 'payments 1', 'orders 2', 'payments 2']);
    for (const log of [orders, payments]) expect(log.health().transports).toEqual([expect.objectContaining({ type: 'file', written: 6, sharedBy: 2, ok: true })]);
  });

  it('closing one logger leaves the file to the other; the last close closes it and lets go of its lock', async () => {
    const path = join(tempDir('shared-close'), 'app.log');
    const a = logger({ name: 'a', transports: rotating(path) });
    const b = logger({ name: 'b', transports: rotating(path) });
    a.info('before');
    await a.close();
    b.info('after a closed');
    await b.flush();
    expect(readRecords(path).map((r) => r['msg'])).toEqual(['before', 'after a closed']);
    expect(b.health().transports[0]).not.toHaveProperty('sharedBy');
    expect(b.health().transports[0]).toMatchObject({ dropped: 0 });
    await b.close();
    // The lock is free: a new logger rotates the file (it would fail with FileInUseError if the old transport held it).
    const c = logger({ name: 'c', transports: rotating(path) });
    c.info('a new transport');
    await c.flush();
    expect(readRecords(path).map((r) => r['msg'])).toEqual(['before', 'after a closed', 'a new transport']);
  });

  it('each logger keeps its own level for the shared file', async () => {
    const path = join(tempDir('shared-levels'), 'app.log');
    const verbose = logger({ name: 'verbose', level: 'debug', transports: rotating(path) });
    const quiet = logger({ name: 'quiet', transports: [{ type: 'file', path, level: 'warn', rotate: { size: '1M', maxFiles: 3 } }] });
    verbose.debug('kept');
    quiet.info('filtered');
    quiet.warn('kept too');
    await quiet.flush();
    expect(readRecords(path).map((r) => r['msg'])).toEqual(['kept', 'kept too']);
  });

  it('two rotation policies for one file fail at startup, naming the key, both values and why', () => {
    const path = join(tempDir('shared-conflict'), 'app.log');
    const first = logger({ name: 'orders', transports: rotating(path, '1M') });
    const problem = problemOf(() => logger({ name: 'payments', transports: [{ type: 'console' }, ...rotating(path, '2M')] }));
    expect(problem).toBe(
      `transports[1].rotate.size: "2M" here, "1M" in the logger "orders" that opened the log file ${path} first. ` +
        'Loggers of one process share it only if they agree, since one file is written by one transport, in one line format, with one rotation policy and one reopen signal: ' +
        'give both the same rotate.size, or each its own path',
    );
    expect(problemOf(() => logger({ name: 'x', transports: [{ type: 'file', path }] }))).toMatch(/^transports\[0\]\.rotate: false here, \{"size":"1M","maxFiles":3\} in the logger "orders"/);
    expect(problemOf(() => logger({ name: 'x', transports: [{ ...rotating(path)[0]!, format: 'ecs' }] }))).toMatch(/^transports\[0\]\.format: "ecs" here, "prodlog" in the logger "orders"/);
    // The refused logger took no share: the first one's close still closes the file.
    expect(first.health().transports[0]).not.toHaveProperty('sharedBy');
  });

  it('plain files (no rotate) agree on the default reopen signal however it is written', () => {
    const path = join(tempDir('shared-plain'), 'app.log');
    logger({ transports: [{ type: 'file', path }] });
    expect(logger({ transports: [{ type: 'file', path, reopenSignal: 'SIGHUP' }] }).health().transports[0]).toMatchObject({ sharedBy: 2 });
    expect(problemOf(() => logger({ transports: [{ type: 'file', path, reopenSignal: 'SIGUSR2' }] }))).toMatch(/^transports\[0\]\.reopenSignal: "SIGUSR2" here, "SIGHUP" in the logger/);
  });

  it('one logger naming one file twice is refused: it would get every record twice', async () => {
    const path = join(tempDir('shared-twice'), 'app.log');
    expect(problemOf(() => logger({ transports: [{ type: 'file', path }, { type: 'console' }, { type: 'file', path: join(path, '..', 'app.log'), level: 'error' }] }))).toBe(
      `transports[2]: names the log file ${path}, as transports[0] does: one logger writes a file or spool through one transport (give it the lower level of the two)`,
    );
    // Nothing stays open once the failed start has closed what it opened: a logger that rotates the file starts.
    await new Promise((resolve) => setImmediate(resolve));
    expect(logger({ transports: rotating(path) }).health().transports[0]).toMatchObject({ type: 'file' });
  });

  it('/metrics counts a shared transport once', async () => {
    const path = join(tempDir('shared-metrics'), 'app.log');
    const a = logger({ name: 'svc', transports: rotating(path) });
    const b = logger({ name: 'svc', transports: rotating(path) });
    a.info('one');
    b.info('two');
    await b.flush();
    const written = metricsText({ log: [a, b] }).split('\n').filter((l) => l.startsWith('prodlog_transport_written_total{'));
    expect(written).toEqual([`prodlog_transport_written_total{logger="svc",transport="file:${path}"} 2`]);
  });
});

describe('two loggers naming one spool share the shipping transport', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await HttpReceiver.start();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((l) => l.close()));
    await receiver.close();
  });

  const http = (url: string, spoolDir: string) => [{ type: 'http' as const, url, format: 'ndjson' as const, spool: { dir: spoolDir }, batch: { interval: '0s' } }];
  const delivered = (): string[] => receiver.requests.flatMap((r) => parseLines(r.body)).map((r) => String(r['msg']));

  it('both loggers\' records go through one spool, and one logger closing leaves it to the other', async () => {
    const spool = tempDir('shared-spool');
    const a = logger({ name: 'svc', transports: http(`${receiver.url}/ingest`, spool) });
    const b = logger({ name: 'svc', transports: http(`${receiver.url}/ingest`, spool) });
    expect(b.health().transports[0]).toMatchObject({ type: 'http', sharedBy: 2 });
    a.info('from a');
    b.info('from b');
    expect(await b.flush({ delivered: true, timeoutMs: 10_000 })).toMatchObject({ complete: true, pending: 0 });
    await a.close();
    b.info('after a closed');
    expect(await b.flush({ delivered: true, timeoutMs: 10_000 })).toMatchObject({ complete: true });
    expect(delivered()).toEqual(['from a', 'from b', 'after a closed']);
  });

  it('the default spool (no spool.dir) of one destination and one service is shared too', async () => {
    const state = tempDir('shared-spool-default');
    const saved = process.env['PRODLOG_SPOOL_DIR'];
    process.env['PRODLOG_SPOOL_DIR'] = state;
    try {
      const transports = [{ type: 'http' as const, url: `${receiver.url}/ingest`, format: 'ndjson' as const }];
      logger({ name: 'svc', transports });
      expect(logger({ name: 'svc', transports }).health().transports[0]).toMatchObject({ sharedBy: 2 });
    } finally {
      if (saved === undefined) delete process.env['PRODLOG_SPOOL_DIR'];
      else process.env['PRODLOG_SPOOL_DIR'] = saved;
    }
  });

  it('two destinations for one spool fail at startup, the URLs shown without their credentials', () => {
    const spool = tempDir('shared-spool-conflict');
    logger({ name: 'svc', transports: http('https://ingest:pw-one@logs-a.example/v1?token=tok-1', spool) });
    const other = problemOf(() => logger({ name: 'svc', transports: http('https://ingest:pw-two@logs-b.example/v1?token=tok-2', spool) }));
    expect(other).toMatch(/^transports\[0\]\.url: "https:\/\/logs-b\.example\/v1" here, "https:\/\/logs-a\.example\/v1" in the logger "svc" that opened the spool .* first\. .*one destination.*: give both the same url, or each its own spool\.dir$/);
    const secretOnly = problemOf(() => logger({ name: 'svc', transports: http('https://ingest:pw-three@logs-a.example/v1?token=tok-3', spool) }));
    expect(secretOnly).toMatch(/^transports\[0\]\.url: differs from the value \(not shown: it is secret\) in the logger "svc"/);
    for (const secret of ['pw-', 'tok-']) expect(other + secretOnly).not.toContain(secret);
  });

  it('two service names for one spool fail: the receiver would see one of them', () => {
    const spool = tempDir('shared-spool-names');
    logger({ name: 'orders', transports: http(`${receiver.url}/ingest`, spool) });
    expect(problemOf(() => logger({ name: 'payments', transports: http(`${receiver.url}/ingest`, spool) }))).toMatch(/^name: "payments" here, "orders" in the logger "orders" that opened the spool/);
  });

  it('retry settings that differ are named as they are written', () => {
    const spool = tempDir('shared-spool-retry');
    logger({ name: 'svc', transports: http(`${receiver.url}/ingest`, spool) });
    const problem = problemOf(() => logger({ name: 'svc', transports: [{ ...http(`${receiver.url}/ingest`, spool)[0]!, retry: { max: '1m' } }] }));
    expect(problem).toMatch(/^transports\[0\]\.retry\.max: "1m" here, "30s" in the logger "svc"/);
  });
});

/** Runs the fixture in `cwd` without blocking this process's event loop (the receiver answers from it). */
function runService(cwd: string, args: readonly string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fixturePath('shared-transports.js'), ...args], { cwd, env: { ...process.env, LOG_LEVEL: '', PRODLOG_CONFIG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('FATAL in a service whose two loggers share a rotating file and a spool (child process)', () => {
  let receiver: HttpReceiver;
  beforeEach(async () => {
    receiver = await HttpReceiver.start();
  });
  afterEach(() => receiver.close());

  function service(): string {
    const cwd = tempDir('shared-service');
    writeFileSync(join(cwd, 'prodlog.config.json'), JSON.stringify({
      name: 'checkout',
      shutdown: false,
      fatal: { exitCode: 3, timeout: '10s', marker: false },
      transports: [
        { type: 'file', path: 'logs/checkout.log', rotate: { size: '64K', maxFiles: 1000 } },
        { type: 'http', url: `${receiver.url}/ingest`, format: 'ndjson', spool: { dir: 'spool' } },
      ],
    }));
    return cwd;
  }

  /** The records of the live and rotated files, oldest first. */
  function fileRecords(cwd: string): Record<string, unknown>[] {
    return allLines(join(cwd, 'logs'), 'checkout').map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** Records the receiver took, once each (delivery is at-least-once). */
  function receivedOnce(): Record<string, unknown>[] {
    const byId = new Map<string, Record<string, unknown>>();
    for (const r of receiver.requests.flatMap((q) => parseLines(q.body))) byId.set(String(r['logId']), r);
    return [...byId.values()];
  }

  it('fatal() from either logger makes both loggers\' records durable in the file and drains the spool before the exit', async () => {
    const cwd = service();
    const run = await runService(cwd, ['fatal', '2000'], {});
    expect(run.stderr).toBe('');
    expect(run.status).toBe(3);
    const records = fileRecords(cwd);
    expect(records).toHaveLength(4001);
    expect(records.filter((r) => r['msg'] === 'order')).toHaveLength(2000);
    expect(records.at(-1)).toMatchObject({ level: 'fatal', msg: 'payments configuration missing' });
    const received = receivedOnce();
    expect(received).toHaveLength(4001);
    expect(received.filter((r) => r['level'] === 'fatal')).toHaveLength(1);
  });

  it('after the other logger closed, fatal() still writes and drains the transports they shared', async () => {
    const cwd = service();
    const run = await runService(cwd, ['after-close', '500'], {});
    expect(run.stderr).toBe('');
    expect(run.status).toBe(3);
    expect(fileRecords(cwd).map((r) => r['msg'])).toEqual([...Array(500).fill('order'), ...Array(500).fill('payment'), 'payments configuration missing']);
    expect(receivedOnce()).toHaveLength(1001);
  });

  it('a crash is recorded once in the shared file and once in the spool, not once per logger', async () => {
    const cwd = service();
    const run = await runService(cwd, ['crash', '100'], {});
    expect(run.status).toBe(3);
    const crashes = fileRecords(cwd).filter((r) => r['level'] === 'fatal');
    expect(crashes).toEqual([expect.objectContaining({ msg: 'uncaught exception', err: expect.objectContaining({ message: 'unexpected state' }) })]);
    expect(fileRecords(cwd)).toHaveLength(201);
    expect(receivedOnce().filter((r) => r['level'] === 'fatal')).toHaveLength(1);
  });
});
