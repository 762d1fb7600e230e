import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../src';
import type { CommandIo } from '../../src/cli/CommandIo';
import { errorsCommand, type ErrorsReport } from '../../src/cli/errorsCommand';
import { tempDir } from '../support/run-fixture';

/** Runs the command in this process, with the clock at `now`. */
async function errors(args: readonly string[], now = Date.now()): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: '/' };
  const code = await errorsCommand(args, io, () => now);
  return { code, stdout, stderr };
}

async function report(args: readonly string[], now?: number): Promise<ErrorsReport> {
  const r = await errors([...args, '--json'], now);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ErrorsReport;
}

/** Two throw sites of a payment service; the messages carry ids, as real ones do. */
function chargeFailure(order: number): Error {
  return new RangeError(`amount for order ${order} is over the limit`);
}
function refundFailure(order: number): Error {
  return new TypeError(`refund for order ${order} has no payment`);
}

function fileLogger(dir: string, rotate?: object): Logger {
  return createLogger({
    name: 'payments',
    capture: false,
    shutdown: false,
    warnings: false,
    transports: [{ type: 'file', path: join(dir, 'payments.log'), ...(rotate === undefined ? {} : { rotate }) }],
  });
}

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-05T12:00:00.000Z');

/** A record as prodlog writes it, `minutesAgo` before NOW. */
function line(minutesAgo: number, level: string, msg: string, err?: object): string {
  return `${JSON.stringify({ level, time: new Date(NOW - minutesAgo * 60_000).toISOString(), pid: 1, hostname: 'h', name: 'payments', ...(err ? { err } : {}), msg })}\n`;
}
const STACK_A = 'RangeError: x\n    at charge (/srv/app/src/pay.js:5:9)\n    at handle (/srv/app/src/routes.js:9:1)';
const STACK_B = 'TypeError: y\n    at refund (/srv/app/src/pay.js:20:3)';

describe('prodlog errors', () => {
  it('groups the errors of live and rotated gzipped files by fingerprint, most frequent first', async () => {
    const dir = tempDir('errors-rotated');
    const log = fileLogger(dir, { size: '4K', compress: 'gzip' });
    for (let order = 0; order < 60; order++) {
      log.info('order placed', { order });
      log.error(chargeFailure(order), { order });
      if (order % 3 === 0) log.error(refundFailure(order), { order });
    }
    await log.close();
    const names = readdirSync(dir);
    expect(names.filter((n) => n.endsWith('.log.gz')).length).toBeGreaterThan(2);
    expect(names).toContain('payments.log');

    const r = await report([dir]);
    expect(r.files.length).toBe(names.filter((n) => n.endsWith('.log') || n.endsWith('.gz')).length);
    expect(r.records).toBe(60 + 60 + 20);
    expect(r.errorRecords).toBe(80);
    expect(r.unreadableLines).toBe(0);
    expect(r.groups.map((g) => [g.type, g.count])).toEqual([
      ['RangeError', 60],
      ['TypeError', 20],
    ]);
    const [charge, refund] = r.groups;
    expect(charge!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(charge!.fingerprint).not.toBe(refund!.fingerprint);
    expect(charge!.example.message).toBe('amount for order 59 is over the limit'); // the latest
    expect(charge!.topFrame).toMatch(/^chargeFailure \(.*errors\.test\.ts:\d+:\d+\)$/);
    expect(refund!.topFrame).toMatch(/^refundFailure \(/);
    expect(charge!.firstSeen! <= charge!.lastSeen!).toBe(true);
    expect(charge!.names).toEqual(['payments']);

    const text = await errors([dir]);
    expect(text.stdout).toMatch(/^2 error groups in 80 error and fatal records of 140 read from \d+ files \(all records\)\n/);
    expect(text.stdout).toContain(`     60 x RangeError  fingerprint ${charge!.fingerprint}`);
    expect(text.stdout).toContain('          e.g. "amount for order 59 is over the limit"\n          at chargeFailure (');
  });

  it('reads a file in the pino format (numeric levels, time in milliseconds), with --since', async () => {
    const dir = tempDir('errors-pino');
    const log = createLogger({ name: 'payments', capture: false, shutdown: false, warnings: false, transports: [{ type: 'file', path: join(dir, 'payments.log'), format: 'pino' }] });
    const before = Date.now();
    for (let order = 0; order < 3; order++) {
      log.info('order placed', { order });
      log.error(chargeFailure(order), { order });
    }
    await log.close();
    const r = await report([dir, '--since', '1h']);
    expect([r.records, r.errorRecords]).toEqual([6, 3]);
    expect(r.groups.map((g) => [g.type, g.count, g.new])).toEqual([['RangeError', 3, true]]);
    const [group] = r.groups;
    expect(Date.parse(group!.firstSeen!)).toBeGreaterThanOrEqual(before - 1);
    expect(group!.example.time).toBe(group!.lastSeen);
    expect(group!.topFrame).toMatch(/^chargeFailure \(/);
  });

  it('reads a file that is being written: a torn last line waits, the next run counts it', async () => {
    const dir = tempDir('errors-live');
    const log = fileLogger(dir);
    log.error(chargeFailure(1));
    await log.flush();
    const path = join(dir, 'payments.log');
    const [first] = (await report([path])).groups;
    expect(first?.count).toBe(1);
    // a record half written, as another process appends it
    const next = line(0, 'error', 'amount for order 2 is over the limit', { type: 'RangeError', message: 'm', stack: STACK_A, fingerprint: first!.fingerprint });
    appendFileSync(path, next.slice(0, 40));
    const torn = await report([path]);
    expect(torn.unreadableLines).toBe(0);
    expect(torn.groups[0]?.count).toBe(1);
    appendFileSync(path, next.slice(40));
    log.error(chargeFailure(3));
    await log.flush();
    expect((await report([path])).groups[0]?.count).toBe(3); // the same site: one group
    await log.close();
  });

  it('--since counts the window only, keeps first and last seen from all, and marks fingerprints new in it', async () => {
    const dir = tempDir('errors-since');
    const a = { type: 'RangeError', message: 'x', stack: STACK_A, fingerprint: 'aaaaaaaaaaaaaaaa' };
    const b = { type: 'TypeError', message: 'y', stack: STACK_B, fingerprint: 'bbbbbbbbbbbbbbbb' };
    const old = [line(600, 'error', 'old a', a), line(300, 'error', 'old a', a)].join('');
    const recent = [line(50, 'error', 'a 1', a), line(40, 'fatal', 'b 1', b), line(30, 'error', 'b 2', b), line(20, 'info', 'fine'), line(10, 'warn', 'careful')].join('');
    writeFileSync(join(dir, 'payments.2026-12-05T02-00-00.1.log'), old);
    writeFileSync(join(dir, 'payments.log'), recent);

    const r = await report([dir, '--since', '1h'], NOW);
    expect(r.since).toBe(new Date(NOW - HOUR).toISOString());
    expect(r.groups.map((g) => [g.fingerprint, g.count, g.new])).toEqual([
      ['bbbbbbbbbbbbbbbb', 2, true],
      ['aaaaaaaaaaaaaaaa', 1, false],
    ]);
    expect(r.groups[0]!.levels).toEqual({ error: 1, fatal: 1 });
    expect(r.groups[0]!.example.message).toBe('b 2');
    expect(r.groups[1]!.firstSeen).toBe(new Date(NOW - 600 * 60_000).toISOString());
    expect(r.groups[1]!.lastSeen).toBe(new Date(NOW - 50 * 60_000).toISOString());
    expect(r.groups[0]!.topFrame).toBe('refund (/srv/app/src/pay.js:20:3)');

    const longer = await report([dir, '--since', '12h'], NOW);
    expect(longer.groups.map((g) => [g.fingerprint, g.count, g.new])).toEqual([
      ['aaaaaaaaaaaaaaaa', 3, true],
      ['bbbbbbbbbbbbbbbb', 2, true],
    ]);
    const all = await report([dir], NOW);
    expect(all.since).toBeNull();
    expect(all.groups.every((g) => !g.new)).toBe(true);

    const text = (await errors([dir, '--since', '1h'], NOW)).stdout;
    expect(text).toContain('      2 x TypeError (1 fatal)  fingerprint bbbbbbbbbbbbbbbb  NEW\n');
    expect(text).toContain('      1 x RangeError  fingerprint aaaaaaaaaaaaaaaa\n');
  });

  it('computes the fingerprint of records that have none, and groups records without an error by message', async () => {
    const dir = tempDir('errors-computed');
    const path = join(dir, 'other.log');
    const noFingerprint = (msg: string, stack: string): string => line(1, 'error', msg, { type: 'RangeError', message: msg, stack });
    writeFileSync(
      path,
      [
        noFingerprint('a 1', STACK_A),
        noFingerprint('a 2', STACK_A.replace(':5:9', ':7:9')),
        noFingerprint('b', STACK_B.replace('TypeError', 'RangeError')),
        line(1, 'error', 'upstream answered 503'),
        line(1, 'error', 'upstream answered 503'),
        line(1, 'fatal', 'upstream answered 503'),
        'not json\n',
      ].join(''),
    );
    const r = await report([path]);
    expect(r.unreadableLines).toBe(1);
    // exceptions first, then records without an error object, even when those are more
    expect(r.groups.map((g) => [g.type, g.count, g.computed])).toEqual([
      ['RangeError', 2, true],
      ['RangeError', 1, true],
      [null, 3, false],
    ]);
    expect(r.groups[2]!.fingerprint).toBeNull();
    expect(r.groups[2]!.example.message).toBe('upstream answered 503');
  });

  it('escapes control characters of messages in its text output', async () => {
    const dir = tempDir('errors-escape');
    writeFileSync(join(dir, 'a.log'), line(1, 'error', 'bad\n\u001b[31mforged line\u202e', { type: 'Error', message: 'x', stack: STACK_A, fingerprint: 'cccccccccccccccc' }));
    const text = (await errors([dir])).stdout;
    expect(text).toContain('e.g. "bad\\n\\u001b[31mforged line\\u202e"');
    expect(text.split('\n').filter((l) => l.includes('forged'))).toHaveLength(1);
  });

  it('refuses bad arguments with the usage, and names a missing file', async () => {
    expect(await errors([])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^prodlog errors: missing operand\nusage: prodlog errors/) });
    expect(await errors(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('--since <duration>'), stderr: '' });
    expect(await errors(['x.log', '--since', '1 hour'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--since "1 hour" is not a duration like "1h"') });
    expect(await errors(['x.log', '--top', '-1'])).toMatchObject({ code: 2 });
    expect(await errors(['x.log', '--verbose'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown option --verbose') });
    expect(await errors(['/nonexistent/x.log'])).toMatchObject({ code: 1, stderr: 'prodlog errors: /nonexistent/x.log: no such file or folder\n' });
  });

  it('--top limits the groups printed, and says how many more there are', async () => {
    const dir = tempDir('errors-top');
    const lines = Array.from({ length: 5 }, (_, i) => line(1, 'error', `m${i}`, { type: 'Error', message: 'x', stack: STACK_A, fingerprint: `${i}`.repeat(16) }));
    writeFileSync(join(dir, 'a.log'), lines.join(''));
    const text = (await errors([dir, '--top', '2'])).stdout;
    expect(text.match(/ x Error /g)).toHaveLength(2);
    expect(text).toContain('... and 3 more groups (--top 0 or --json for all)');
  });
});
