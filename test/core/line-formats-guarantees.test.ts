import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src';
import { parseLines, readRecords, runFixture, tempDir } from '../support/run-fixture';

/**
 * The logger's promises hold whatever the shape of the lines (README,
 * "Record formats"): secrets are censored, any value gives one valid line,
 * and FATAL leaves its record and every earlier one durable. The formats
 * convert lines that redaction and the sanitiser have already made.
 */
const FORMATS = ['prodlog', 'pino', 'ecs', 'gcp'] as const;
type Format = (typeof FORMATS)[number];

/** Where each format keeps the message and the level. */
const messageOf = (r: Record<string, unknown>, format: Format): unknown => (format === 'prodlog' || format === 'pino' ? r['msg'] : r['message']);
const LEVEL_OF: Record<Format, (r: Record<string, unknown>) => unknown> = {
  prodlog: (r) => r['level'],
  pino: (r) => r['level'],
  ecs: (r) => r['log.level'],
  gcp: (r) => r['severity'],
};
const FATAL: Record<Format, unknown> = { prodlog: 'fatal', pino: 60, ecs: 'fatal', gcp: 'CRITICAL' };

async function writeWith(format: Format, write: (log: ReturnType<typeof createLogger>) => void, redactPaths: string[] = []): Promise<string> {
  const path = join(tempDir(`format-${format}`), 'app.log');
  const log = createLogger({ name: 'shop', capture: false, shutdown: false, warnings: false, redact: redactPaths, transports: [{ type: 'file', path, format }] });
  write(log);
  await log.close();
  return readFileSync(path, 'utf8');
}

describe.each(FORMATS)('format %s', (format) => {
  it('censors secret keys, redact paths, URL passwords and secret headers', async () => {
    const secrets = ['hunter2', 'ada@example.com', 'sk-live-123', 'pw-in-url', 'tok-999', 'sess-42'];
    const text = await writeWith(
      format,
      (log) => {
        log.info('signup', {
          password: 'hunter2',
          user: { email: 'ada@example.com', apiKey: 'sk-live-123' },
          db: 'postgres://app:pw-in-url@db/shop',
          headers: { authorization: 'Bearer tok-999', cookie: 'sid=sess-42' },
        });
        log.error(new Error('payment failed'), { token: 'hunter2' });
      },
      ['user.email'],
    );
    for (const secret of secrets) expect(text).not.toContain(secret);
    const [record] = parseLines(text);
    expect(record).toMatchObject({ password: '[Redacted]', user: { email: '[Redacted]', apiKey: '[Redacted]' }, db: 'postgres://app:[Redacted]@db/shop' });
  });

  it('writes one valid line for any value, as the sanitiser made it', async () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular['self'] = circular;
    const text = await writeWith(format, (log) =>
      log.warn('odd values\u2028"quoted"\n', {
        circular,
        big: 2n ** 70n,
        get broken(): string {
          throw new Error('getter failed');
        },
        long: 'x'.repeat(70_000),
        'key\nwith\u2028breaks': '\u001b[2Jvalue',
        deep: { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: 1 } } } } } } } } } } },
      }),
    );
    expect(text.split('\n')).toHaveLength(2); // one line and the final newline
    const [record] = parseLines(text);
    expect(messageOf(record!, format)).toBe('odd values\u2028"quoted"\n');
    expect(record).toMatchObject({
      circular: { name: 'loop', self: '[Circular]' },
      big: (2n ** 70n).toString(),
      broken: '[getter threw: getter failed]',
      'key\nwith\u2028breaks': '\u001b[2Jvalue',
    });
    expect(record!['long']).toMatch(/^x{65536}…\[truncated 4464 chars\]$/);
    expect(JSON.stringify(record!['deep'])).toContain('[Object]');
  });
});

describe.each(FORMATS.filter((f) => f !== 'prodlog'))('FATAL in a real process, format %s', (format) => {
  const N = 20_000;

  it(`${N} records then fatal(): ${N + 1} records in the file and on stdout, in order, the last one FATAL`, () => {
    const file = join(tempDir(`fatal-${format}`), 'app.log');
    const run = runFixture('core-burst.js', ['fatal', String(N), file, '', 'stdout'], { BURST_FORMAT: format });
    expect(run.status).toBe(1);
    for (const records of [readRecords(file), parseLines(run.stdout)]) {
      expect(records).toHaveLength(N + 1);
      const seen = records.filter((r) => messageOf(r, format) === 'record').map((r) => r['i']);
      expect(seen.every((v, i) => v === i) && seen.length === N).toBe(true);
      const last = records[N]!;
      expect([LEVEL_OF[format](last), messageOf(last, format), last['path']]).toEqual([FATAL[format], 'config missing', '/etc/app.json']);
    }
  });

  it('an uncaught exception: the crash record, with its error, after every earlier record', () => {
    const file = join(tempDir(`throw-${format}`), 'app.log');
    const run = runFixture('core-burst.js', ['throw', '1000', file], { BURST_FORMAT: format });
    expect(run.status).toBe(1);
    const records = readRecords(file);
    expect(records).toHaveLength(1001);
    const last = records[1000]!;
    expect([LEVEL_OF[format](last), messageOf(last, format)]).toEqual([FATAL[format], 'uncaught exception']);
    const stack = format === 'ecs' ? (last['error'] as { stack_trace?: string }).stack_trace : format === 'gcp' ? last['stack_trace'] : (last['err'] as { stack?: string }).stack;
    expect(stack).toMatch(/^Error: unexpected state\n {4}at /);
  });
});
