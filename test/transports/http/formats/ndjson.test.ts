import { ndjsonFormat } from '../../../../transports/http/formats/ndjsonFormat';

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
