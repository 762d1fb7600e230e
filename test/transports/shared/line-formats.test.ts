import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { context } from '@opentelemetry/api';
import { ecsFormat } from '@elastic/ecs-pino-format';
import fc from 'fast-check';
import pino from 'pino';
import type { Logger } from '../../../src';
import { createTestLogger } from '../../../src/testing';
import { createLineFormat } from '../../../transports/shared/lineFormats/createLineFormat';
import { createEcsLine, ecsRecord, ECS_VERSION } from '../../../transports/shared/lineFormats/ecsLine';
import { createGcpLine, gcpRecord } from '../../../transports/shared/lineFormats/gcpLine';
import type { LineFormatName } from '../../../transports/shared/lineFormats/LineFormat';
import { lineFormatSettings } from '../../../transports/shared/lineFormats/lineFormatOptions';
import { createPinoLine, pinoRecord } from '../../../transports/shared/lineFormats/pinoLine';
import { splitLine } from '../../../transports/shared/lineFormats/recordLine';
import { REPO } from '../../support/paths';
import { inSpan, SPAN_ID, TRACE_ID, useOtelContext } from '../../support/otel-span';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

useOtelContext();


type Json = Record<string, unknown>;

/** The lines a prodlog logger named "shop" writes for `calls`, in its own shape. */
function prodlogLines(calls: (log: Logger) => void): string[] {
  const { log, memory, runUntilExit } = createTestLogger({ name: 'shop', level: 'debug', warnings: false });
  runUntilExit(() => calls(log));
  void log.close();
  return memory.lines;
}

/** The lines of a pino logger named "shop", with `options`, for `calls`. */
function pinoLines(options: pino.LoggerOptions, calls: (log: pino.Logger) => void): string[] {
  const lines: string[] = [];
  calls(pino({ name: 'shop', level: 'debug', ...options }, { write: (s: string) => void lines.push(s) }));
  return lines;
}

function converted(format: LineFormatName, lines: readonly string[], projectId?: string): Json[] {
  const convert = createLineFormat(format, { gcpProjectId: projectId })!;
  return lines.map((line) => {
    const out = convert(line);
    expect(out.endsWith('\n') && !out.slice(0, -1).includes('\n')).toBe(true); // one line
    return JSON.parse(out) as Json;
  });
}

/** An error thrown at one site, with a code, as both loggers get it. */
const failure = Object.assign(new TypeError('card declined'), { code: 'E_DECLINED' });

/** The same calls, in each logger's API. */
const SAME_CALLS: ReadonlyArray<readonly [string, (log: Logger) => void, (log: pino.Logger) => void]> = [
  ['a message with fields', (l) => l.info('order placed', { orderId: 42, user: { id: 7, plan: 'pro' }, tags: ['a', 'b'] }), (l) => l.info({ orderId: 42, user: { id: 7, plan: 'pro' }, tags: ['a', 'b'] }, 'order placed')],
  ['debug', (l) => l.debug('cache miss', { key: 'k1' }), (l) => l.debug({ key: 'k1' }, 'cache miss')],
  ['a child logger', (l) => l.child({ requestId: 'r-1' }).warn('slow', { ms: 1200 }), (l) => l.child({ requestId: 'r-1' }).warn({ ms: 1200 }, 'slow')],
  ['an error alone', (l) => l.error(failure), (l) => l.error(failure)],
  ['an error with fields', (l) => l.error(failure, { orderId: 1 }), (l) => l.error({ orderId: 1, err: failure }, failure.message)],
  ['fatal', (l) => l.fatal('config missing', { key: 'DATABASE_URL' }), (l) => l.fatal({ key: 'DATABASE_URL' }, 'config missing')],
];

describe('format "pino": what pino itself writes for the same calls', () => {
  it.each(SAME_CALLS)('%s', (_name, prodlogCall, pinoCall) => {
    const [ours] = converted('pino', prodlogLines(prodlogCall));
    const [theirs] = pinoLines({}, pinoCall) as [string];
    const pinos = JSON.parse(theirs) as Json;
    // The same keys in the same order; the time is another clock reading; prodlog's err adds its fingerprint.
    expect(Object.keys(ours!)).toEqual(Object.keys(pinos));
    expect(ours!['time']).toEqual(expect.any(Number));
    expect(Math.abs((ours!['time'] as number) - (pinos['time'] as number))).toBeLessThan(5_000);
    const err = pinos['err'] as Json | undefined;
    expect(ours).toEqual({ ...pinos, time: ours!['time'], ...(err ? { err: { ...err, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) } } : {}) });
  });

  it('writes each level as pino\'s number and the time in milliseconds since the epoch, the rest of the line as it was', () => {
    const lines = prodlogLines((l) => {
      l.debug('d');
      l.info('i');
      l.warn('w');
      l.error('e');
      l.fatal('f');
    });
    const records = converted('pino', lines);
    expect(records.map((r) => r['level'])).toEqual([20, 30, 40, 50, 60]);
    lines.forEach((line, i) => {
      const own = JSON.parse(line) as Json;
      expect(records[i]!['time']).toBe(Date.parse(own['time'] as string));
      expect(createPinoLine()(line).replace(/^\{"level":\d+,"time":\d+/, '')).toBe(line.replace(/^\{"level":"\w+","time":"[^"]+"/, ''));
    });
  });

  it('pino-pretty -L warn hides info and debug (it did not with prodlog\'s level names)', () => {
    const lines = prodlogLines((l) => {
      l.debug('a debug record');
      l.info('an info record');
      l.warn('a warn record');
      l.error('an error record');
    });
    const pretty = (input: string): string[] => {
      const r = spawnSync(process.execPath, [require.resolve('pino-pretty/bin.js'), '-L', 'warn'], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status).toBe(0);
      return r.stdout.split('\n').filter((l) => l !== '').map((l) => /\] (\w+) \(/.exec(l)?.[1] ?? l);
    };
    const asPino = createLineFormat('pino')!;
    expect(pretty(lines.map(asPino).join(''))).toEqual(['WARN', 'ERROR']);
    expect(pretty(lines.join(''))).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']); // why the format exists
  });
});

describe('format "ecs": what @elastic/ecs-pino-format writes for the same calls', () => {
  /** ecs-pino-format as a service would set it up, prodlog's name being the service name. */
  const ecsOptions = (): pino.LoggerOptions => ecsFormat({ serviceName: 'shop', apmIntegration: false }) as pino.LoggerOptions;

  it.each(SAME_CALLS)('%s', (_name, prodlogCall, pinoCall) => {
    const [ours] = converted('ecs', prodlogLines(prodlogCall));
    const [theirs] = pinoLines(ecsOptions(), pinoCall) as [string];
    const elastic = JSON.parse(theirs) as Json;
    expect(ours!['@timestamp']).toMatch(ISO);
    expect(elastic['@timestamp']).toMatch(ISO);
    const error = elastic['error'] as Json | undefined;
    // The one difference: prodlog's error keeps its code (a string: error.code is a keyword) and its fingerprint.
    const expected = { ...elastic, '@timestamp': ours!['@timestamp'], ...(error ? { error: { ...error, code: 'E_DECLINED', fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) } } : {}) };
    expect(ours).toEqual(expected);
    expect(Object.keys(ours!)).toEqual(Object.keys(elastic));
  });

  it('field by field: the keys and values of the ECS fields prodlog has', () => {
    const [record] = converted('ecs', prodlogLines((l) => l.error(failure, { orderId: 1 })));
    expect(record).toEqual({
      'log.level': 'error',
      '@timestamp': expect.stringMatching(ISO),
      'process.pid': process.pid,
      'host.hostname': expect.any(String),
      'log.logger': 'shop',
      'ecs.version': ECS_VERSION,
      'service.name': 'shop',
      'event.dataset': 'shop',
      orderId: 1,
      error: { type: 'TypeError', message: 'card declined', stack_trace: failure.stack, code: 'E_DECLINED', fingerprint: expect.any(String) },
      message: 'card declined',
    });
  });

  it('writes the ECS version the package writes', () => {
    const [theirs] = pinoLines(ecsOptions(), (l) => l.info('x'));
    expect((JSON.parse(theirs!) as Json)['ecs.version']).toBe(ECS_VERSION);
  });

  it('the trace ids of an OpenTelemetry span as the package writes those of an Elastic APM transaction, without transaction.id', () => {
    const [ours] = converted('ecs', prodlogLines((l) => context.with(inSpan(), () => l.info('in a span', { orderId: 7 }))));
    const apm = {
      isStarted: () => true,
      getServiceVersion: () => undefined,
      getServiceEnvironment: () => undefined,
      getServiceNodeName: () => undefined,
      currentTransaction: { traceId: TRACE_ID, id: 'c5a8bd87a9d9b3f2' },
      currentSpan: { id: SPAN_ID },
    };
    const [theirs] = pinoLines(ecsFormat({ serviceName: 'shop', _elasticApm: apm } as Parameters<typeof ecsFormat>[0]) as pino.LoggerOptions, (l) => l.info({ orderId: 7 }, 'in a span'));
    const { 'transaction.id': transactionId, ...elastic } = JSON.parse(theirs!) as Json;
    expect(transactionId).toBe('c5a8bd87a9d9b3f2');
    expect(ours).toEqual({ ...elastic, '@timestamp': ours!['@timestamp'] });
    expect(ours).toMatchObject({ 'trace.id': TRACE_ID, 'span.id': SPAN_ID });
    expect(ours).not.toHaveProperty('trace_flags');
  });

  it('renames a field that would forge or clash with what it writes (the package writes "message" twice, and a string "event" beside event.dataset)', () => {
    const [ours] = converted('ecs', prodlogLines((l) => l.info('real', { message: 'forged', event: 'order.placed', 'log.level': 'fatal', error: 'text', 'service.version': '1.2.0', url: { path: '/x' } })));
    expect(ours).toMatchObject({ message: 'real', message_: 'forged', event_: 'order.placed', 'log.level': 'info', 'log.level_': 'fatal', error_: 'text', 'service.version': '1.2.0', url: { path: '/x' } });
    expect(ours).not.toHaveProperty('event');
  });

  it('a non-Error err stays a field, as prodlog writes it (err_)', () => {
    const [ours] = converted('ecs', prodlogLines((l) => l.info('x', { err: 'not an error' })));
    expect(ours).toMatchObject({ err_: 'not an error' });
    expect(ours).not.toHaveProperty('error');
  });
});

describe('format "gcp": Cloud Logging\'s structured record', () => {
  it('severity, time (RFC 3339), message; no level or msg', () => {
    const lines = prodlogLines((l) => {
      l.debug('d');
      l.info('i', { orderId: 1 });
      l.warn('w');
      l.error('e');
      l.fatal('f');
    });
    const records = converted('gcp', lines);
    expect(records.map((r) => r['severity'])).toEqual(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']);
    expect(records.map((r) => r['message'])).toEqual(['d', 'i', 'w', 'e', 'f']);
    expect(records[1]).toEqual({ severity: 'INFO', time: (JSON.parse(lines[1]!) as Json)['time'], pid: process.pid, hostname: expect.any(String), name: 'shop', orderId: 1, message: 'i' });
    expect(records[1]!['time']).toMatch(ISO);
    for (const r of records) expect(Object.keys(r)).not.toEqual(expect.arrayContaining(['level', 'msg']));
  });

  it('trace ids under logging.googleapis.com/, the trace as projects/<id>/traces/<trace id>', () => {
    const lines = prodlogLines((l) => {
      context.with(inSpan(1), () => l.info('sampled', { orderId: 7 }));
      context.with(inSpan(0), () => l.info('not sampled'));
    });
    const [sampled, notSampled] = converted('gcp', lines, 'my-project');
    expect(sampled).toEqual({
      severity: 'INFO',
      time: expect.stringMatching(ISO),
      pid: process.pid,
      hostname: expect.any(String),
      name: 'shop',
      orderId: 7,
      'logging.googleapis.com/trace': `projects/my-project/traces/${TRACE_ID}`,
      'logging.googleapis.com/spanId': SPAN_ID,
      'logging.googleapis.com/trace_sampled': true,
      message: 'sampled',
    });
    expect(notSampled!['logging.googleapis.com/trace_sampled']).toBe(false);
  });

  it('without a project id, the trace id alone', () => {
    const [record] = converted('gcp', prodlogLines((l) => context.with(inSpan(), () => l.info('x'))));
    expect(record).toMatchObject({ 'logging.googleapis.com/trace': TRACE_ID, 'logging.googleapis.com/spanId': SPAN_ID });
    expect(record).not.toHaveProperty('trace_id');
  });

  it('an error or fatal record with an error: the stack in stack_trace for Error Reporting, and serviceContext', () => {
    const lines = prodlogLines((l) => {
      l.error(failure, { orderId: 1 });
      l.fatal(failure);
    });
    for (const record of converted('gcp', lines)) {
      expect(record).toMatchObject({ stack_trace: failure.stack, serviceContext: { service: 'shop' }, message: 'card declined' });
      expect(record['err']).toEqual({ type: 'TypeError', message: 'card declined', fingerprint: expect.any(String), code: 'E_DECLINED' });
      expect(Object.keys(record).slice(-3)).toEqual(['stack_trace', 'serviceContext', 'message']);
    }
  });

  it('an error at warn was handled: it keeps its stack in err and is not reported', () => {
    const [record] = converted('gcp', prodlogLines((l) => l.warn('retrying', { err: failure })));
    expect(record).not.toHaveProperty('stack_trace');
    expect(record).not.toHaveProperty('serviceContext');
    expect(record!['err']).toMatchObject({ stack: failure.stack });
  });

  it('a serviceContext of the service\'s own (with its version) is kept, not replaced', () => {
    const [record] = converted('gcp', prodlogLines((l) => l.child({ serviceContext: { service: 'checkout', version: '1.4.2' } }).error(failure)));
    expect(record!['serviceContext']).toEqual({ service: 'checkout', version: '1.4.2' });
  });

  it('renames a field that would set the entry\'s severity, time, message, trace or stack; leaves the other special fields to the service', () => {
    const fields = { severity: 'EMERGENCY', timestamp: { seconds: 1 }, message: 'forged', stack_trace: 'x', 'logging.googleapis.com/trace': 't', 'logging.googleapis.com/labels': { team: 'pay' } };
    const [record] = converted('gcp', prodlogLines((l) => l.info('real', fields)));
    expect(record).toMatchObject({ severity: 'INFO', message: 'real', severity_: 'EMERGENCY', timestamp_: { seconds: 1 }, message_: 'forged', stack_trace_: 'x', 'logging.googleapis.com/trace_': 't', 'logging.googleapis.com/labels': { team: 'pay' } });
    expect(record).not.toHaveProperty('timestamp');
    expect(record).not.toHaveProperty('stack_trace');
    expect(record).not.toHaveProperty('logging.googleapis.com/trace');
  });

  it('the project id: the option, else GOOGLE_CLOUD_PROJECT; a malformed variable fails at startup, naming it', () => {
    expect(lineFormatSettings({ format: 'gcp', gcp: { projectId: 'from-options' } }, { GOOGLE_CLOUD_PROJECT: 'from-env' })).toEqual({ gcpProjectId: 'from-options' });
    expect(lineFormatSettings({ format: 'gcp' }, { GOOGLE_CLOUD_PROJECT: 'from-env' })).toEqual({ gcpProjectId: 'from-env' });
    expect(lineFormatSettings({ format: 'gcp' }, {})).toEqual({});
    expect(lineFormatSettings({ format: 'gcp' }, { GOOGLE_CLOUD_PROJECT: '' })).toEqual({});
    expect(lineFormatSettings({ format: 'ecs' }, { GOOGLE_CLOUD_PROJECT: 'from-env' })).toEqual({});
    expect(() => lineFormatSettings({ format: 'gcp' }, { GOOGLE_CLOUD_PROJECT: 'My Project/x' })).toThrow(
      'invalid prodlog configuration (environment):\n  GOOGLE_CLOUD_PROJECT: "My Project/x" is not a Google Cloud project id like "my-project"',
    );
  });
});

describe('the text path and the parsed path give the same line', () => {
  /** Keys that send a record down the parsed path, in some format, and ordinary ones. */
  const key = fc.oneof(
    fc.constantFrom('err', 'error', 'message', 'event', 'log', 'log.level', 'service', 'service.version', 'severity', 'timestamp', 'stack_trace', 'trace_id', 'span_id', 'trace_flags', 'traceId', 'spanId', 'serviceContext', 'logging.googleapis.com/trace', 'logging.googleapis.com/labels', '__proto__', 'msg', 'name', 'time', '@timestamp'),
    fc.string({ maxLength: 8 }),
  );
  const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(TRACE_ID), fc.constant(SPAN_ID), fc.constant('01'), fc.string({ unit: 'binary', maxLength: 12 }));
  const fields = fc.dictionary(key, value, { maxKeys: 6 });
  const level = fc.constantFrom('debug', 'info', 'warn', 'error', 'fatal' as const);
  const message = fc.string({ unit: 'binary', maxLength: 20 });

  it('for any fields, level and message (the text path copies the fields\' text only when the parse path would copy them too)', () => {
    const pinoLine = createPinoLine();
    const ecsLine = createEcsLine();
    const gcpLine = createGcpLine({ gcpProjectId: 'p-1' });
    fc.assert(
      fc.property(level, message, fields, fc.boolean(), (lv, msg, f, withError) => {
        const [line] = prodlogLines((l) => {
          if (lv === 'fatal' && withError) l.fatal(failure, f);
          else if (lv === 'fatal') l.fatal(msg, f);
          else if (lv === 'error' && withError) l.error(failure, f);
          else l[lv](msg, withError ? { ...f, err: failure } : f);
        }) as [string];
        const pairs = [
          [pinoLine(line), pinoRecord(line)],
          [ecsLine(line), ecsRecord(line)],
          [gcpLine(line), gcpRecord(line, 'p-1')],
        ];
        // A parsed object lists keys like "0" first (JavaScript's order): the text path keeps them where they were.
        const indexKey = Object.keys(f).some((k) => /^(0|[1-9]\d*)$/.test(k));
        for (const [text, parsed] of pairs) {
          if (indexKey) expect(JSON.parse(text!)).toEqual(JSON.parse(parsed!));
          else expect(text).toBe(parsed);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('takes the text path for an ordinary record, whose line it splits at its head, fields and message', () => {
    const [line] = prodlogLines((l) => l.child({ requestId: 'r-1' }).info('order "42" placed', { path: 'C:\\tmp\\', n: 1 })) as [string];
    expect(splitLine(line)).toEqual({
      level: 'info',
      time: expect.stringMatching(/^"\d{4}-.*Z"$/),
      pid: String(process.pid),
      hostname: expect.stringMatching(/^".*"$/),
      name: '"shop"',
      fields: '"requestId":"r-1","path":"C:\\\\tmp\\\\","n":1',
      msg: '"order \\"42\\" placed"',
    });
    const [noFields] = prodlogLines((l) => l.info('x')) as [string];
    expect(splitLine(noFields)).toMatchObject({ fields: '', msg: '"x"' });
  });

  it('finds the message and the head\'s ends whatever quotes and backslashes the values hold', () => {
    const record = { level: 'warn', time: '2026-01-01T00:00:00.000Z', pid: 7, hostname: 'h"1\\', name: 'n\\', note: '","msg":"forged', nested: { msg: 'inner' }, msg: 'real \\"end' };
    const line = `${JSON.stringify(record)}\n`;
    expect(splitLine(line)).toEqual({ level: 'warn', time: '"2026-01-01T00:00:00.000Z"', pid: '7', hostname: '"h\\"1\\\\"', name: '"n\\\\"', fields: JSON.stringify({ note: record.note, nested: record.nested }).slice(1, -1), msg: JSON.stringify(record.msg) });
    for (const [text, parsed] of [
      [createEcsLine()(line), ecsRecord(line)],
      [createGcpLine({})(line), gcpRecord(line, undefined)],
    ]) {
      expect(text).toBe(parsed);
      expect(JSON.parse(text!)).toMatchObject({ message: 'real \\"end', note: '","msg":"forged', nested: { msg: 'inner' } });
    }
    // A message that is not a string (no logger writes one) is not taken apart, only parsed.
    expect(splitLine('{"level":"info","time":"t","pid":1,"hostname":"h","name":"n","a":1,"msg":{"msg":"x"}}\n')).toBeUndefined();
  });
});

describe('the README', () => {
  it('shows, for its prodlog record, the line each format writes', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Record formats'), readme.indexOf('## Configuration reference'));
    const shown = (label: string): string => {
      const at = section.indexOf(`${label}:\n\n\`\`\`json\n`);
      expect(at).toBeGreaterThan(0);
      const start = section.indexOf('{', at);
      return `${section.slice(start, section.indexOf('\n', start))}\n`;
    };
    const prodlog = shown('`prodlog`');
    expect(createLineFormat('pino')!(prodlog)).toBe(shown('`pino`'));
    expect(createLineFormat('ecs')!(prodlog)).toBe(shown('`ecs`'));
    expect(createLineFormat('gcp', { gcpProjectId: 'shop-prod' })!(prodlog)).toBe(shown('`gcp` (with `gcp.projectId` "shop-prod")'));
  });
});

describe('a line no format can read', () => {
  it.each(['', 'not json\n', '42\n', '[1,2]\n', '{"level":"info","time":"x"\n', '{"level":"nope","time":"2026-01-01T00:00:00.000Z","msg":"m"}\n'])('is written as it is, or converted as far as it can be, never throwing: %j', (line) => {
    for (const format of ['pino', 'ecs', 'gcp'] as const) {
      const out = createLineFormat(format)!(line);
      expect(typeof out).toBe('string');
      if (!line.startsWith('{"level":"nope"')) expect(out).toBe(line);
    }
  });

  it('a record in another shape is converted key by key', () => {
    const line = '{"msg":"m","level":"warn","time":"2026-01-01T00:00:00.000Z","extra":1}\n';
    expect(JSON.parse(createLineFormat('pino')!(line))).toEqual({ msg: 'm', level: 40, time: Date.parse('2026-01-01T00:00:00.000Z'), extra: 1 });
    expect(JSON.parse(createLineFormat('gcp')!(line))).toEqual({ severity: 'WARNING', time: '2026-01-01T00:00:00.000Z', extra: 1, message: 'm' });
    expect(JSON.parse(createLineFormat('ecs')!(line))).toEqual({ 'log.level': 'warn', '@timestamp': '2026-01-01T00:00:00.000Z', 'ecs.version': ECS_VERSION, extra: 1, message: 'm' });
  });

  it('"prodlog" converts nothing: no function at all', () => {
    expect(createLineFormat('prodlog')).toBeUndefined();
  });
});
