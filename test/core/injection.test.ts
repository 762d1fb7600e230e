import fc from 'fast-check';
import { createPrettyFormatter } from '../../transports/console/createPrettyFormatter';
import { RESERVED_KEYS } from '../../src/core/record';
import { SecretKeyMatcher } from '../../src/core/serialize/secretKeys';
import { memoryLogger } from '../support/memory-logger';

const FORGERIES = [
  'ok\n{"level":"fatal","time":"2026-01-01T00:00:00.000Z","msg":"forged"}',
  'ok\r\n[2026-01-01 00:00:00.000 +0000] FATAL (svc/1): forged',
  'ok\u001b[2J\u001b[31mred screen',
  'ok\u2028line separator\u2029paragraph separator',
  'ok"},{"level":"fatal","msg":"forged',
];

describe('log injection cannot forge a record', () => {
  it.each(FORGERIES)('in the JSON line: message %j stays one record with the message intact', (evil) => {
    const { log, memory } = memoryLogger();
    log.info(evil, { field: evil, nested: { deeper: evil } });
    expect(memory.lines).toHaveLength(1);
    expect(memory.lines[0]!.slice(0, -1)).not.toMatch(/[\n\r]/);
    expect(memory.records[0]).toMatchObject({ msg: evil, field: evil, nested: { deeper: evil } });
  });

  it.each(FORGERIES)('in pretty output: message %j prints on one line without raw control characters', (evil) => {
    const { log, memory } = memoryLogger();
    log.info(evil, { field: evil });
    const pretty = createPrettyFormatter({ colorize: false })(memory.lines[0]!);
    const lines = pretty.split('\n');
    expect(lines[0]).toMatch(/^\[.*\] INFO \(.*\): ok/);
    // eslint-disable-next-line no-control-regex
    expect(pretty.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    // Only the first line is a record header; field lines are indented.
    expect(lines.slice(1).filter((l) => l !== '').every((l) => l.startsWith('    '))).toBe(true);
  });

  it('a line that is not JSON is printed escaped by the pretty printer', () => {
    expect(createPrettyFormatter({ colorize: false })('plain\u001b[31m text\n')).toBe('plain\\u001b[31m text\n');
  });
});

describe('properties of every record', () => {
  const secrets = new SecretKeyMatcher(true);
  const plainKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !secrets.isSecret(k) && !RESERVED_KEYS.has(k) && k !== '__proto__');
  // Strings that could read as a URL with credentials or as raw HTTP header text are censored by design
  // (test/core/redaction.test.ts); every other string, at any depth, must come back unchanged.
  const plainString = fc.string({ maxLength: 40 }).filter((v) => !/[?#@]|HTTP\//.test(v));
  // JSON values whose object keys, at any depth, are plain keys: a secret name nested deeper is censored too.
  const { value: plainJson } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      plainString,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(plainKey, tie('value'), { maxKeys: 5 }),
    ),
  }));
  const jsonFields = fc.dictionary(plainKey, plainJson, { maxKeys: 8 });

  it('any message and any JSON-able fields give one valid JSON line that round-trips them', () => {
    const { log, memory } = memoryLogger();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), jsonFields, (msg, fields) => {
        memory.clear();
        log.info(msg, fields);
        expect(memory.lines).toHaveLength(1);
        expect(memory.lines[0]!.indexOf('\n')).toBe(memory.lines[0]!.length - 1);
        const record = JSON.parse(memory.lines[0]!) as Record<string, unknown>;
        expect(record['msg']).toBe(msg);
        const { level, time, pid, hostname, name, msg: _m, ...rest } = record;
        void [level, time, pid, hostname, name, _m];
        expect(rest).toEqual(JSON.parse(JSON.stringify(fields)));
      }),
      { numRuns: 500 },
    );
  });

  it('any value at all, however hostile, gives one valid JSON line', () => {
    const { log, memory } = memoryLogger();
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withBoxedValues: true, withDate: true }), (value) => {
        memory.clear();
        log.warn('anything', { value });
        expect(memory.lines).toHaveLength(1);
        expect(() => JSON.parse(memory.lines[0]!)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
