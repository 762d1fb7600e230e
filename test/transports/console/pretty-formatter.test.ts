import fc from 'fast-check';
import { createPrettyFormatter } from '../../../transports/console/createPrettyFormatter';

describe('pretty formatter', () => {
  it.each([
    ['42\n', '42\n'],
    ['null\n', 'null\n'],
    ['"text"\n', '"text"\n'],
    ['true\r\n', 'true\\r\n'],
  ])('prints a JSON value that is not an object as it is, escaped, on one line: %j', (line, printed) => {
    const format = createPrettyFormatter({ colorize: false });
    expect(format(line)).toBe(printed);
    expect(format(line.slice(0, -1))).toBe(printed); // the same without its newline
  });
});

describe('pretty output: one record is one visual record', () => {
  const base = { level: 'info', time: '2026-11-26T06:00:00.000Z', pid: 1, hostname: 'h', name: 'svc', msg: 'ok' };
  const HEADER = /^\[[^\]]*\] [A-Z]+ \(.*\): /;
  // Anything a terminal or viewer may show as a line break or use to move the cursor:
  // C0 (but the \n between lines), DEL, C1 (NEL U+0085, CSI U+009B), U+2028, U+2029, and bidi overrides.
  // eslint-disable-next-line no-control-regex
  const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const forged = '[2026-11-26 06:00:00.000 +0000] FATAL (svc/1): forged';

  /**
   * The record's lines: the first the header (with `header`, one of the usual form), every other
   * one indented, no raw control character anywhere.
   */
  function expectOneRecord(printed: string, header: RegExp = HEADER): string[] {
    expect(printed.endsWith('\n')).toBe(true);
    expect(printed.slice(0, -1).replace(/\n/g, '')).not.toMatch(UNSAFE);
    const lines = printed.slice(0, -1).split('\n');
    expect(lines[0]).toMatch(header);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {4}/);
    return lines;
  }

  const format = createPrettyFormatter({ colorize: false });
  const print = (record: Record<string, unknown>): string => format(JSON.stringify({ ...base, ...record }));

  it.each<[string, Record<string, unknown>]>([
    ['a key with a newline', { [`k\n${forged}`]: 1 }],
    ['a key with a carriage return and escape sequences', { [`k\r${forged}\u001b[2K`]: 1 }],
    ['a nested key with a newline', { outer: { [`k\n${forged}`]: 1 } }],
    ['a value with C1 controls', { v: `a\u0085${forged}\u009b2Kb` }],
    ['a value with U+2028 and U+2029', { v: `a\u2028${forged}\u2029b` }],
    ['the message with U+2028', { msg: `ok\u2028${forged}` }],
    ['the logger name and hostname', { name: `svc\n${forged}`, hostname: `h\u2028${forged}` }],
    ['an error message with a newline', { level: 'error', err: { type: 'Error', message: `bad\n${forged}`, stack: 'Error: bad\n    at f (x.js:1:1)' } }],
    ['an error stack with forged lines', { level: 'error', err: { type: 'Error', message: 'bad', stack: `Error: bad\n${forged}\r${forged}\u2028${forged}\n    at f (x.js:1:1)` } }],
    ['an error record at the top level', { level: 'error', type: 'Error', stack: `Error: bad\n${forged}\r${forged}`, msg: 'bad' }],
    ['a bidi override', { v: `a\u202e${forged}` }],
  ])('%s cannot print a line that reads as another record', (_name, record) => {
    const lines = expectOneRecord(print(record));
    expect(lines.filter((l) => HEADER.test(l))).toHaveLength(1);
  });

  it('a line that is not JSON is printed on one line, escaped', () => {
    expect(format(`plain\u2028${forged}\u0085x\n`)).toBe(`plain\\u2028${forged}\\u0085x\n`);
  });

  it("keeps an error's stack readable: one indented line per frame", () => {
    const lines = expectOneRecord(print({ level: 'error', err: { type: 'Error', message: 'bad', stack: 'Error: bad\n    at f (x.js:1:1)\n    at g (y.js:2:2)' } }));
    expect(lines.filter((l) => /^ +at [fg] \(/.test(l))).toHaveLength(2);
  });

  it('shows what it escaped: control characters as \\n, \\u0085, \\u2028', () => {
    const printed = print({ [`a\nb`]: `c\u0085d\u2028e`, msg: `m\u2029n` });
    expect(printed).toContain('a\\nb: "c\\u0085d\\u2028e"');
    expect(printed).toContain('): m\\u2029n');
    // inside an error, printed as JSON text, a newline reads "\n" too, not "\\n"
    expect(print({ err: { type: 'Error', message: 'bad\nx\u2028y', stack: 'Error' } })).toContain('"message": "bad\\nx\\u2028y"');
  });

  const unsafeText = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('\n', '\r', '\u0085', '\u009b', '\u2028', '\u2029', '\u001b[2K', '\u202e', forged)), { maxLength: 6 }).map((parts) => parts.join(''));
  // Keys pino-pretty treats apart (errors, stacks, an error record's type) come up often.
  const key = fc.oneof(unsafeText, fc.constantFrom('stack', 'err', 'error', 'type', 'message', 'msg', 'name', 'hostname', 'time', 'level', '__proto__'));
  const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, unsafeText, fc.constant('Error'), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
  })).v;
  const errorLike = fc.record({ type: fc.constant('Error'), message: unsafeText, stack: unsafeText });

  it.each([false, true])('any record, whatever its keys, values, name, message and error hold, prints as one record (colorize: %s)', (colorize) => {
    const pretty = createPrettyFormatter({ colorize });
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), unsafeText, unsafeText, fc.option(errorLike), (fields, msg, name, err) => {
        const line = JSON.stringify({ ...base, ...fields, level: err ? 'error' : 'info', msg, name, ...(err ? { err } : {}) });
        // Colours are SGR sequences the formatter adds itself; without them the text must pass the same checks.
        // eslint-disable-next-line no-control-regex
        // Odd times and names change the header's form (no "[time]" for a time of null), not its being the only unindented line.
        expectOneRecord(pretty(line).replace(/\u001b\[[0-9;]*m/g, ''), /^\S/);
      }),
      { numRuns: 500 },
    );
  });
});
