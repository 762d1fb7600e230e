import { createLogger } from '../../../../src';
import { MemoryTransport } from '../../../../src/testing';
import { createNdjsonFormat, ndjsonFormat, rawFieldProblem } from '../../../../transports/http/formats/ndjsonFormat';

describe('ndjson format', () => {
  it('sends each record as written, one per line, with its spool id added as the last key', () => {
    const body = ndjsonFormat
      .encode([
        { line: '{"level":"info","time":"2026-11-26T06:30:53.078Z","msg":"a"}', id: 's1.0' },
        { line: '{"level":"warn","time":"2026-11-26T06:30:53.079Z","n":{"x":[1]},"msg":"b"}\n', id: 's1.1' },
      ])
      .toString();
    expect(body).toBe(
      '{"level":"info","time":"2026-11-26T06:30:53.078Z","msg":"a","logId":"s1.0"}\n' +
        '{"level":"warn","time":"2026-11-26T06:30:53.079Z","n":{"x":[1]},"msg":"b","logId":"s1.1"}\n',
    );
    for (const line of body.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('leaves a line unchanged when it has no id, already has a logId, or is not a JSON object', () => {
    const lines = [
      { line: '{"msg":"no id"}' },
      { line: '{"logId":"mine","msg":"x"}', id: 's1.2' },
      { line: 'torn {"lev', id: 's1.3' },
      { line: '{}', id: 's1.4' },
    ];
    expect(ndjsonFormat.encode(lines).toString()).toBe('{"msg":"no id"}\n{"logId":"mine","msg":"x"}\ntorn {"lev\n{}\n');
  });

  it('allocates the body of a large batch once, instead of growing it', () => {
    const records = Array.from({ length: 10_000 }, (_, i) => ({ line: `{"level":"info","time":"2026-11-26T06:30:53.078Z","seq":${i},"msg":"${'x'.repeat(100)}"}\n`, id: `mbx3k2a1c0001-3f2a1b.${100000 + i}` }));
    const allocations = jest.spyOn(Buffer, 'allocUnsafe');
    try {
      const body = ndjsonFormat.encode(records);
      expect(allocations).toHaveBeenCalledTimes(1);
      expect(body.toString().split('\n')).toHaveLength(10_001);
    } finally {
      allocations.mockRestore();
    }
  });
});

describe('ndjson format with rawField', () => {
  const withRaw = createNdjsonFormat({ rawField: 'raw' });
  const sent = (records: { line: string; id?: string }[]): Record<string, unknown>[] =>
    withRaw.encode(records).toString().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

  it('adds the spooled line itself, after the redaction, as one string after logId; quotes, line breaks and any unicode come back exactly', () => {
    const memory = new MemoryTransport();
    const log = createLogger({ name: 'checkout', capture: false, transports: [{ type: 'custom', transport: memory }] });
    const note = 'she said "hi"\nthen \\left\ttabbed: Zürich 東京 😀 \u2028 \u0000 end';
    const caller = { note, password: 'hunter2', card: { number: '4111', token: 'tok_live_123' } };
    log.info('order placed', caller);
    const line = memory.lines[0]!;
    const body = withRaw.encode([{ line, id: 'seg.7' }]).toString();
    expect(body).not.toContain('hunter2');
    expect(body).not.toContain('tok_live_123');
    expect(body.split('\n')).toHaveLength(2); // one line: the raw copy's line breaks are escaped
    const [row] = sent([{ line, id: 'seg.7' }]);
    const keys = Object.keys(row!);
    expect(keys.slice(-2)).toEqual(['logId', 'raw']);
    expect(row!.raw).toBe(line.slice(0, -1)); // the line as spooled, without its newline and without logId
    const record = JSON.parse(row!.raw as string) as Record<string, unknown>;
    expect(record).toMatchObject({ note, password: '[Redacted]', card: { number: '4111', token: '[Redacted]' }, msg: 'order placed' });
    expect(row).toMatchObject({ note, password: '[Redacted]', msg: 'order placed', logId: 'seg.7' });
    expect(caller.password).toBe('hunter2'); // the caller's object is not touched
  });

  it('renames a top-level key of the record named like the raw field, which ClickHouse would refuse as a duplicate, and keeps it in the raw copy', () => {
    const line = '{"level":"info","raw":{"a":1},"raw_":2,"nested":{"raw":3},"msg":"x"}';
    const [row] = sent([{ line, id: 's.1' }]);
    expect(row).toEqual({ level: 'info', raw__: { a: 1 }, raw_: 2, nested: { raw: 3 }, msg: 'x', logId: 's.1', raw: line });
    // only nested, or inside a string: the line goes as it is
    const nestedOnly = '{"level":"info","nested":{"raw":3},"quote":"\\"raw\\":","msg":"x"}';
    expect(withRaw.encode([{ line: nestedOnly, id: 's.2' }]).toString()).toBe(`${nestedOnly.slice(0, -1)},"logId":"s.2","raw":${JSON.stringify(nestedOnly)}}\n`);
  });

  it('adds the raw copy without an id too, and leaves a line that is not a JSON object unchanged', () => {
    expect(withRaw.encode([{ line: '{"msg":"no id"}' }, { line: 'torn {"lev', id: 's.3' }]).toString()).toBe('{"msg":"no id","raw":"{\\"msg\\":\\"no id\\"}"}\ntorn {"lev\n');
  });

  it('sends exactly what the format without the option sends, plus the raw key, for many lines in one body', () => {
    const records = Array.from({ length: 600 }, (_, i) => ({ line: `{"level":"info","seq":${i},"msg":"m ${i}"}\n`, id: `seg.${i}` }));
    const plain = ndjsonFormat.encode(records).toString().trimEnd().split('\n');
    const rows = sent(records);
    expect(rows.map(({ raw, ...rest }) => [JSON.stringify(rest), raw])).toEqual(plain.map((l, i) => [l, records[i]!.line.slice(0, -1)]));
  });

  it.each([
    ['raw', undefined],
    ['record_json', undefined],
    ['msg', 'is a key the line has already; not one of level, time, pid, hostname, name, msg, err, logId'],
    ['logId', 'is a key the line has already'],
    ['raw.json', 'is not a plain key name like "raw"'],
    ['', 'is not a plain key name'],
    ['1raw', 'is not a plain key name'],
  ])('rawField %j: %s', (name, problem) => {
    expect(rawFieldProblem(name)).toEqual(problem === undefined ? undefined : expect.stringContaining(problem));
  });
});
