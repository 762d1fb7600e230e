import { frame } from '../../../transports/syslog/framing';
import { RelpParser } from '../../../transports/syslog/RelpParser';
import { Rfc5424Encoder, TRUNCATION_MARKER, type EncoderSettings } from '../../../transports/syslog/Rfc5424Encoder';
import { escapeParamValue } from '../../../transports/syslog/syslogFields';

const settings: EncoderSettings = { facility: 'local3', appName: 'checkout', maxMessageBytes: 8192, structuredData: {} };
const record = (level: string, extra = ''): string =>
  `{"level":"${level}","time":"2026-11-26T06:30:53.078Z","pid":2850,"hostname":"vm","name":"checkout"${extra},"msg":"hello"}`;

/** RFC 5424: HEADER SP STRUCTURED-DATA SP MSG, with HEADER = PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID. */
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*?[^\\]\](?:\[.*?[^\\]\])*) (.*)$/s;

describe('RFC 5424 encoding', () => {
  const encoder = new Rfc5424Encoder(settings);

  it.each([
    ['debug', 7],
    ['info', 6],
    ['warn', 4],
    ['error', 3],
    ['fatal', 2],
  ])('PRI of a %s record is facility * 8 + severity %i', (level, severity) => {
    const m = RFC5424.exec(encoder.encode({ id: 'a.1', line: record(level) }));
    expect(Number(m?.[1])).toBe(19 * 8 + severity);
  });

  it('takes timestamp, hostname and procid from the record, app-name from the logger, msgid from the level, and the JSON as MSG', () => {
    const line = record('warn', ',"orderId":42');
    const m = RFC5424.exec(encoder.encode({ id: 'seg-1.7', line }));
    expect(m?.slice(2)).toEqual(['2026-11-26T06:30:53.078Z', 'vm', 'checkout', '2850', 'warn', '[prodlog@32473 id="seg-1.7"]', line]);
  });

  it('starts MSG without a byte order mark', () => {
    const message = encoder.encode({ id: 'a.1', line: record('info', ',"text":"\u00fcber"') });
    expect(Buffer.from(message).includes(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
  });

  it('escapes ", \\ and ] in SD-PARAM values and nothing else', () => {
    expect(escapeParamValue('a"b\\c]d[e=f')).toBe('a\\"b\\\\c\\]d[e=f');
    const e = new Rfc5424Encoder({ ...settings, structuredData: { 'origin': { software: 'shop "main" [v2]\\x' } } });
    expect(e.encode({ id: 'a.1', line: record('info') })).toContain('[origin software="shop \\"main\\" [v2\\]\\\\x"]');
  });

  it('keeps header fields printable ASCII without spaces, within their lengths', () => {
    const e = new Rfc5424Encoder({ ...settings, appName: 'my app with a very long name that goes past forty-eight chars' });
    const m = RFC5424.exec(e.encode({ id: 'a.1', line: record('info').replace('"hostname":"vm"', '"hostname":"h\\u00f6st name"') }));
    expect(m?.[3]).toBe('h_st_name');
    expect(m?.[4]).toBe('my_app_with_a_very_long_name_that_goes_past_fort');
  });

  it('truncates a message over maxMessageBytes at a character boundary, with a marker and the original size, never splitting it', () => {
    const e = new Rfc5424Encoder({ ...settings, maxMessageBytes: 1000 });
    const big = record('info', `,"text":"${'\u20ac'.repeat(2000)}"`);
    const message = e.encode({ id: 'a.1', line: big });
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(1000);
    expect(Buffer.byteLength(message)).toBeGreaterThan(990);
    expect(message.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(message).toContain(`truncated="${Buffer.byteLength(big)}"`);
    expect(message).not.toContain('\ufffd'); // no half of a 3-byte character
    expect(e.encode({ id: 'a.2', line: record('info') })).not.toContain('truncated');
  });
});

describe('framing', () => {
  it('octet counting prefixes the length in bytes, not characters', () => {
    expect(frame('<14>1 - - - - - - \u00e9', 'octet-counting')).toBe('20 <14>1 - - - - - - \u00e9');
  });
  it('LF framing ends each message with a newline', () => {
    expect(frame('<14>1 x', 'lf')).toBe('<14>1 x\n');
  });
});

describe('RELP frame parser', () => {
  it('parses responses split anywhere across chunks, with and without data', () => {
    const offers = '200 OK\nrelp_version=0\nrelp_software=librelp,1.11.0,http://librelp.adiscon.com\ncommands=syslog';
    const wire = Buffer.from(`1 rsp ${offers.length} ${offers}\n2 rsp 6 200 OK\n0 serverclose 0\n`);
    for (let cut = 1; cut < wire.length; cut += 7) {
      const p = new RelpParser();
      const frames = [...p.push(wire.subarray(0, cut)), ...p.push(wire.subarray(cut))];
      expect(frames.map((f) => [f.txnr, f.command, f.data.split('\n')[0]])).toEqual([
        [1, 'rsp', '200 OK'],
        [2, 'rsp', '200 OK'],
        [0, 'serverclose', ''],
      ]);
    }
  });
  it('reports "200" answers as bare transaction numbers and returns every other frame', () => {
    const oks: number[] = [];
    const refusal = '500 message too long';
    const wire = `7 rsp 6 200 OK\n8 rsp ${refusal.length} ${refusal}\n999999999 rsp 6 200 OK\n0 serverclose 0\n`;
    const frames = new RelpParser().push(Buffer.from(wire), (t) => oks.push(t));
    expect(oks).toEqual([7, 999_999_999]);
    expect(frames.map((f) => [f.txnr, f.command, f.data])).toEqual([
      [8, 'rsp', refusal],
      [0, 'serverclose', ''],
    ]);
  });
  it('rejects a stream that is not RELP', () => {
    expect(() => new RelpParser().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toThrow(/RELP/);
  });
});
