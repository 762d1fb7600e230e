import { createLogger, type Logger } from '../../src';
import { createElasticsearchFormat } from '../../transports/http/formats/elasticsearchFormat';
import { createOtlpFormat } from '../../transports/http/formats/otlpFormat';
import { memoryLogger } from '../support/memory-logger';
import { Rsyslog, type ReceivedMessage } from '../support/rsyslog';
import { tempDir } from '../support/run-fixture';

/**
 * Hostile input in messages, field values and bindings, shipped to a real
 * rsyslog: each record must arrive as exactly one message, with the input as
 * data inside it. Newline and pretty-output injection into the JSON line
 * itself is covered by test/core/injection.test.ts; this is about the syslog frames
 * built around it, whose framing and header a receiver trusts.
 */
const NOW = '2026-01-01T00:00:00.000Z';
const FORGERIES = [
  `ok\n<14>1 ${NOW} evil forged 1 info - {"msg":"forged by LF"}`,
  `ok\r\n<14>1 ${NOW} evil forged 1 info - {"msg":"forged by CRLF"}`,
  `ok\n42 <14>1 ${NOW} evil forged 1 info - {"msg":"forged octet count"}`,
  `ok 1 0 syslog 60 <14>1 ${NOW} evil forged 1 info - {"msg":"forged RELP frame"}\n`,
  'ok\u0000after a NUL',
  'ok\u001b[2J\u001b[31m ANSI escapes',
  'ok\u2028line separator\u2029paragraph separator',
  'ok"},{"level":"fatal","msg":"forged JSON',
  'ok] [prodlog@32473 id="forged"] "\\',
];

let rsyslog: Rsyslog;
const loggers: Logger[] = [];
beforeAll(async () => {
  rsyslog = await Rsyslog.start();
});
afterAll(async () => {
  await Promise.all(loggers.map((l) => l.close()));
  await rsyslog?.stop();
});

const FRAMINGS: [string, Record<string, unknown>][] = [
  ['TCP, octet counting', { protocol: 'tcp', port: 0, framing: 'octet-counting' }],
  ['TCP, LF framing', { protocol: 'tcp', port: 0, framing: 'lf' }],
  ['RELP', { protocol: 'relp', port: 0 }],
];

describe('log injection into syslog frames, through a real rsyslog', () => {
  it.each(FRAMINGS)('%s: every hostile record arrives as one message, input intact inside MSG, no forged message', async (framing, transport) => {
    const app = `inj-${framing.replace(/\W+/g, '-').toLowerCase()}`;
    const port = transport['protocol'] === 'relp' ? rsyslog.ports.relp : rsyslog.ports.tcp;
    const log = createLogger({
      name: app,
      capture: false,
      transports: [{ type: 'syslog', host: '127.0.0.1', ...transport, port, spool: { dir: tempDir(app) }, retry: { initial: '20ms', max: '200ms' } } as never],
    });
    loggers.push(log);
    FORGERIES.forEach((evil, i) => log.child({ via: evil }).warn(evil, { i, field: evil, nested: { deeper: [evil] } }));
    const mine = (all: ReceivedMessage[]): ReceivedMessage[] => all.filter((m) => m.appname === app);
    await rsyslog.waitFor((all) => mine(all).length >= FORGERIES.length);
    await log.close();
    await new Promise((r) => setTimeout(r, 300)); // anything split off would arrive by now

    const all = rsyslog.received();
    expect(all.filter((m) => !m.appname.startsWith('inj-'))).toEqual([]); // this rsyslog hears only these tests: nothing forged
    const got = mine(all);
    expect(got).toHaveLength(FORGERIES.length);
    for (const m of got) {
      expect(m).toMatchObject({ pri: String(8 + 4), msgid: 'warn' }); // the header is the record's, whatever the input
      const record = JSON.parse(m.msg) as { i: number; msg: string; field: string; via: string; nested: { deeper: string[] }; level: string };
      const evil = FORGERIES[record.i]!;
      expect(record).toMatchObject({ level: 'warn', msg: evil, field: evil, via: evil, nested: { deeper: [evil] } });
    }
  });
});

describe('a field named "__proto__" (a parsed JSON body logged as the fields)', () => {
  // JSON.parse makes "__proto__" an own key: a request body can carry one.
  const body = JSON.parse('{"__proto__":{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","trace_flags":"01"},"user":"u1"}') as Record<string, unknown>;
  const line = (): string => {
    const { log, memory } = memoryLogger({ name: 'svc' });
    log.info('request body', body);
    return memory.lines[0]!;
  };

  it('is written to the JSON line as data', () => {
    expect(JSON.parse(line())).toMatchObject({ user: 'u1', ['__proto__']: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' } });
  });

  it('OTLP: stays an attribute and cannot set the record\'s traceId and spanId', () => {
    const request = JSON.parse(createOtlpFormat({ serviceName: 'svc' }).encode([{ line: line() }]).toString('utf8')) as {
      resourceLogs: { scopeLogs: { logRecords: { traceId?: string; attributes: { key: string }[] }[] }[] }[];
    };
    const record = request.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!;
    expect(record.traceId).toBeUndefined();
    expect(record.attributes.map((a) => a.key)).toEqual(['__proto__', 'user']);
  });

  it('Elasticsearch: stays a field and cannot set the document\'s trace.id', () => {
    const [, doc] = createElasticsearchFormat({ index: 'logs', serviceName: 'svc' }).encode([{ line: line() }]).toString('utf8').split('\n');
    const parsed = JSON.parse(doc!) as Record<string, unknown>;
    expect(parsed['trace']).toBeUndefined();
    expect(Object.keys(parsed)).toContain('__proto__');
  });
});
