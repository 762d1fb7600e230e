import fc from 'fast-check';
import { hostname } from 'node:os';
import type { Logger } from '../../../src';
import { newSegmentBase } from '../../../transports/shipping/SegmentFiles';
import { frame } from '../../../transports/syslog/framing';
import { RelpSink } from '../../../transports/syslog/RelpSink';
import { PRODLOG_SD_ID, Rfc5424Encoder, TRUNCATION_MARKER, type EncoderSettings } from '../../../transports/syslog/Rfc5424Encoder';
import { FACILITIES, SEVERITY, type FacilityName } from '../../../transports/syslog/syslogFields';
import { startStallingRelpServer } from '../../support/fault-servers';
import { memoryLogger } from '../../support/memory-logger';

/**
 * Property tests of the RFC 5424 encoder and both framings, on records the
 * logger really wrote from arbitrary messages, fields and bindings. The
 * frames are checked by a strict parser of the RFC's ABNF written here from
 * the RFC, not from the encoder.
 */

interface SdElement {
  readonly id: string;
  readonly params: [string, string][];
}

interface Rfc5424Message {
  readonly pri: number;
  readonly timestamp: string;
  readonly hostname: string;
  readonly appName: string;
  readonly procid: string;
  readonly msgid: string;
  readonly sd: SdElement[];
  readonly msg: string;
}

const PRINTUSASCII = /^[\x21-\x7e]+$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$/;

/** Parses one message by RFC 5424 section 6; throws naming the first violation. */
function parseRfc5424(message: string): Rfc5424Message {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`not RFC 5424 at ${pos}: ${what} in ${JSON.stringify(message.slice(0, 200))}`);
  };
  const field = (name: string, max: number): string => {
    const end = message.indexOf(' ', pos);
    if (end < 0) fail(`${name} not followed by SP`);
    const value = message.slice(pos, end);
    if (value !== '-' && (!PRINTUSASCII.test(value) || value.length > max)) fail(`${name} ${JSON.stringify(value)}`);
    pos = end + 1;
    return value;
  };
  const pri = /^<(\d{1,3})>1 /.exec(message);
  if (!pri || Number(pri[1]) > 191 || (pri[1]!.length > 1 && pri[1]!.startsWith('0'))) fail('PRI VERSION');
  pos = pri![0].length;
  const timestamp = field('TIMESTAMP', 32);
  if (timestamp !== '-' && !TIMESTAMP.test(timestamp)) fail('TIMESTAMP format');
  const header = { pri: Number(pri![1]), timestamp, hostname: field('HOSTNAME', 255), appName: field('APP-NAME', 48), procid: field('PROCID', 128), msgid: field('MSGID', 32) };
  const sd: SdElement[] = [];
  if (message[pos] === '-') pos++;
  else {
    while (message[pos] === '[') {
      pos++;
      const id = sdName();
      const params: [string, string][] = [];
      while (message[pos] === ' ') {
        pos++;
        const name = sdName();
        if (message.slice(pos, pos + 2) !== '="') fail('SD-PARAM without ="');
        pos += 2;
        params.push([name, paramValue()]);
      }
      if (message[pos] !== ']') fail('SD-ELEMENT not closed');
      pos++;
      sd.push({ id, params });
    }
    if (sd.length === 0) fail('STRUCTURED-DATA');
  }
  if (pos < message.length && message[pos] !== ' ') fail('no SP before MSG');
  return { ...header, sd, msg: message.slice(pos + 1) };

  function sdName(): string {
    const m = /^[^= \]"\x00-\x20\x7f-\uffff]{1,32}/.exec(message.slice(pos, pos + 33));
    if (!m) fail('SD-NAME');
    pos += m![0].length;
    return m![0];
  }
  function paramValue(): string {
    let value = '';
    for (;;) {
      const c = message[pos++];
      if (c === undefined) fail('PARAM-VALUE not closed');
      if (c === '"') return value;
      if (c === ']') fail('unescaped ] in PARAM-VALUE');
      if (c === '\\' && ['"', '\\', ']'].includes(message[pos] ?? '')) value += message[pos++];
      else value += c; // a backslash before anything else stands for itself
    }
  }
}

/** Splits a byte stream of octet-counted frames (RFC 6587 3.4.1: MSG-LEN SP SYSLOG-MSG) back into messages. */
function splitOctetCounted(stream: Buffer): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < stream.length) {
    const sp = stream.indexOf(0x20, pos);
    const len = stream.toString('latin1', pos, sp);
    if (!/^[1-9]\d*$/.test(len)) throw new Error(`bad MSG-LEN ${JSON.stringify(len)} at ${pos}`);
    const end = sp + 1 + Number(len);
    if (end > stream.length) throw new Error(`frame at ${pos} runs past the stream`);
    out.push(stream.toString('utf8', sp + 1, end));
    pos = end;
  }
  return out;
}

/** What a receiver sees of a string: its UTF-8 bytes decoded (a lone surrogate arrives as U+FFFD). */
const onTheWire = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

// Arbitrary UTF-16 code units, lone surrogates and control characters included.
const anyText = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 80 });
const text = fc.oneof(anyText, fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('', '"', '\\', ']', '\n<14>1 - - - - - - forged', '12 <14>1 x'));
const fieldValue = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
// Keys the logger owns (level, time, ...) are among them: a field must never change the header.
const fieldKey = fc.oneof(text, fc.constantFrom('level', 'time', 'pid', 'hostname', 'name', 'msg', 'id'));
const fields = fc.dictionary(fieldKey, fieldValue, { maxKeys: 6 });
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const sdName = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789@._-+*!#$%&()'.split('')), minLength: 1, maxLength: 32 });
const sdValue = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', ']', '[', '=', ' '), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 30 });
const settings: fc.Arbitrary<EncoderSettings> = fc.record({
  facility: fc.constantFrom(...(Object.keys(FACILITIES) as FacilityName[])),
  appName: text,
  maxMessageBytes: fc.constant(1 << 20),
  structuredData: fc.dictionary(sdName.filter((n) => n !== PRODLOG_SD_ID), fc.dictionary(sdName, sdValue, { maxKeys: 3 }), { maxKeys: 2 }),
});
const recordId = fc.nat().map((n) => `${newSegmentBase()}.${n}`);

/** One line from the logger, as the spool would hand it to the encoder (without its newline). */
function logged(log: Logger, lines: string[], level: (typeof LEVELS)[number], bindings: Record<string, unknown>, msg: string, f: Record<string, unknown>): string {
  lines.length = 0;
  log.child(bindings)[level](msg, f);
  return lines[0]!.slice(0, -1);
}

describe('the RFC 5424 encoder, for any record', () => {
  const { log, memory } = memoryLogger({ level: 'debug' });
  const lines = memory.lines;

  it('gives a valid frame whose header comes from the record, whose SD-PARAMs round-trip, and whose MSG is the JSON record unchanged', () => {
    fc.assert(
      fc.property(settings, fc.constantFrom(...LEVELS), fields, text, fields, recordId, (s, level, bindings, msg, f, id) => {
        const line = logged(log, lines, level, bindings, msg, f);
        const record = JSON.parse(line) as Record<string, unknown>;
        const parsed = parseRfc5424(new Rfc5424Encoder(s).encode({ id, line }));
        expect(parsed.pri).toBe(FACILITIES[s.facility] * 8 + SEVERITY[level]!);
        expect([parsed.msgid, parsed.timestamp, parsed.procid]).toEqual([level, record['time'], String(process.pid)]);
        expect(parsed.hostname).toBe(hostname().replace(/[^\x21-\x7e]/g, '_') || '-');
        expect(parsed.sd[0]).toEqual({ id: PRODLOG_SD_ID, params: [['id', id]] });
        expect(parsed.sd.slice(1)).toEqual(Object.entries(s.structuredData).map(([sdId, params]) => ({ id: sdId, params: Object.entries(params) })));
        expect(parsed.msg).toBe(line);
        expect(JSON.parse(onTheWire(parsed.msg))).toEqual(JSON.parse(onTheWire(line)));
      }),
      { numRuns: 400 },
    );
  });

  it('with octet counting, a stream of frames splits back into exactly the messages: each count is the byte length', () => {
    const encoder = new Rfc5424Encoder({ facility: 'user', appName: 'props', maxMessageBytes: 1 << 20, structuredData: {} });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fields, recordId), { minLength: 1, maxLength: 8 }), (records) => {
        const messages = records.map(([msg, f, id]) => encoder.encode({ id, line: logged(log, lines, 'info', {}, msg, f) }));
        const stream = Buffer.from(messages.map((m) => frame(m, 'octet-counting')).join(''), 'utf8');
        expect(splitOctetCounted(stream)).toEqual(messages.map(onTheWire));
      }),
      { numRuns: 300 },
    );
  });

  it('with LF framing, every frame holds exactly one LF, at its end: input cannot start a second message', () => {
    const encoder = new Rfc5424Encoder({ facility: 'user', appName: 'props', maxMessageBytes: 1 << 20, structuredData: {} });
    fc.assert(
      fc.property(text, fields, recordId, (msg, f, id) => {
        const framed = frame(encoder.encode({ id, line: logged(log, lines, 'warn', {}, msg, f) }), 'lf');
        expect(framed.indexOf('\n')).toBe(framed.length - 1);
        expect(framed).not.toMatch(/\r/);
      }),
      { numRuns: 300 },
    );
  });

  it('past maxMessageBytes, cuts MSG at a character boundary: within the limit, still valid, marked, and the original size given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 480, max: 4_000 }), fc.string({ unit: 'grapheme', minLength: 100, maxLength: 3_000 }), recordId, (max, big, id) => {
        const settings: EncoderSettings = { facility: 'user', appName: 'props', maxMessageBytes: max, structuredData: {} };
        const line = logged(log, lines, 'error', {}, 'big', { big });
        const message = new Rfc5424Encoder(settings).encode({ id, line });
        // What the message would be with no limit: the header's size depends on the id, the pid and the host name.
        const whole = new Rfc5424Encoder({ ...settings, maxMessageBytes: 1 << 20 }).encode({ id, line });
        const parsed = parseRfc5424(message);
        expect(Buffer.byteLength(message)).toBeLessThanOrEqual(max);
        if (Buffer.byteLength(whole) <= max) {
          expect(message).toBe(whole); // fits: never cut
          return;
        }
        expect(message.endsWith(TRUNCATION_MARKER)).toBe(true);
        expect(parsed.sd[0]?.params).toContainEqual(['truncated', String(Buffer.byteLength(line))]);
        const kept = parsed.msg.slice(0, -TRUNCATION_MARKER.length);
        expect(line.startsWith(kept)).toBe(true); // a prefix, cut between characters: no U+FFFD made
        // Cut no shorter than needed: one more character would not have fitted (4 bytes at most).
        expect(Buffer.byteLength(message)).toBeGreaterThan(max - 4);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RELP frames on the wire', () => {
  it('carry each message whole: DATALEN is its byte length, a receiver parsing the frames gets every message and acknowledges all', async () => {
    const server = await startStallingRelpServer(0, { keep: true });
    const { log, memory } = memoryLogger();
    const lines = memory.lines;
    const encoder = new Rfc5424Encoder({ facility: 'local0', appName: 'props', maxMessageBytes: 1 << 20, structuredData: {} });
    const sink = new RelpSink({ host: '127.0.0.1', port: server.port, connectTimeoutMs: 2_000 }, encoder, { window: 64, ackTimeoutMs: 5_000 });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(text, fields, recordId), { minLength: 1, maxLength: 20 }), async (records) => {
          const batch = records.map(([msg, f, id]) => ({ id, line: logged(log, lines, 'info', {}, msg, f) }));
          const before = server.payloads.length;
          const result = await sink.send(batch);
          expect(result).toEqual({ accepted: batch.length, rejected: [] });
          expect(server.payloads.slice(before)).toEqual(batch.map((r) => onTheWire(encoder.encode(r))));
        }),
        { numRuns: 100 },
      );
    } finally {
      await sink.close();
      await server.close();
    }
  });
});
