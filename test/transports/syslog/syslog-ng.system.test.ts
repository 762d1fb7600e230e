import { createLogger, type Logger } from '../../../src';
import { TRUNCATION_MARKER } from '../../../transports/syslog/Rfc5424Encoder';
import { tempDir } from '../../support/run-fixture';
import { SyslogNg } from '../../support/syslog-ng';

let syslogNg: SyslogNg;
const open: Logger[] = [];

beforeAll(async () => {
  syslogNg = await SyslogNg.start();
});

afterAll(async () => {
  await Promise.all(open.map((l) => l.close()));
  await syslogNg?.stop();
});

function logger(name: string, extra: Record<string, unknown> = {}): Logger {
  const log = createLogger({
    name,
    capture: false,
    transports: [{ type: 'syslog', host: '127.0.0.1', port: syslogNg.port, protocol: 'tcp', spool: { dir: tempDir(`spool-${name}`) }, ...extra } as never],
  });
  open.push(log);
  return log;
}

describe('syslog to a real syslog-ng (strict RFC 6587 / RFC 5424)', () => {
  it('octet-counted frames are accepted one message each, and structured data parses back to the values sent', async () => {
    const tricky = 'quote " backslash \\ bracket ] open [ equals = unicode \u00fc\u20ac';
    const log = logger('sng', { facility: 'local4', structuredData: { 'env@32473': { note: tricky } } });
    for (let i = 0; i < 300; i++) log.info('multi\nline message', { i, text: 'a "quoted" \\ value ]' });
    const got = (await syslogNg.waitFor((m) => m.filter((x) => x.PROGRAM === 'sng').length >= 300)).filter((x) => x.PROGRAM === 'sng');
    expect(got).toHaveLength(300); // not one more: no message was split or merged
    const first = got[0];
    expect(first).toMatchObject({ PRIORITY: 'info', FACILITY: 'local4', MSGID: 'info', PID: String(process.pid) });
    expect(first?._SDATA?.['env@32473']?.['note']).toBe(tricky);
    expect(first?._SDATA?.['prodlog@32473']?.['id']).toMatch(/^[0-9a-z]+-[0-9a-f]+\.0$/);
    expect(got.map((m) => (JSON.parse(m.MESSAGE) as { i: number }).i)).toEqual([...Array(300).keys()]);
    expect(JSON.parse(first?.MESSAGE ?? '{}')).toMatchObject({ msg: 'multi\nline message', text: 'a "quoted" \\ value ]' });
  });

  it('a message over maxMessageBytes arrives as one truncated message with its original size, never split', async () => {
    const log = logger('sng-big', { maxMessageBytes: '2K' });
    log.info('big', { text: '\u20ac'.repeat(5000) });
    log.info('after');
    const got = (await syslogNg.waitFor((m) => m.filter((x) => x.PROGRAM === 'sng-big').length >= 2)).filter((x) => x.PROGRAM === 'sng-big');
    expect(got).toHaveLength(2);
    expect(got[0]?.MESSAGE.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(Number(got[0]?._SDATA?.['prodlog@32473']?.['truncated'])).toBeGreaterThan(15_000);
    expect(JSON.parse(got[1]?.MESSAGE ?? '{}')).toMatchObject({ msg: 'after' });
  });
});
