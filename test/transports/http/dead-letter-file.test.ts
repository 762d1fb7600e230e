import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeadLetterFile } from '../../../transports/http/DeadLetterFile';
import { tempDir } from '../../support/run-fixture';

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('dead-letter file', () => {
  it('writes one line per record: when, why, the spool id and the record as written', () => {
    const path = join(tempDir('dead-letter'), 'nested', 'spool.dead-letter.ndjson');
    const reports: string[] = [];
    const file = new DeadLetterFile(path, 1024 * 1024, (t) => reports.push(t));
    file.write(
      [
        { line: '{"level":"info","msg":"a"}\n', id: 's.1' },
        { line: '{"level":"warn","msg":"b"}' },
        { line: 'torn {"lev\n', id: 's.3' },
      ],
      'HTTP 400: "bad" row',
    );
    file.note(4, 'receiver rejected 4 log records');
    const written = lines(path);
    expect(written).toEqual([
      { deadAt: expect.any(String), reason: 'HTTP 400: "bad" row', id: 's.1', record: { level: 'info', msg: 'a' } },
      { deadAt: expect.any(String), reason: 'HTTP 400: "bad" row', record: { level: 'warn', msg: 'b' } },
      { deadAt: expect.any(String), reason: 'HTTP 400: "bad" row', id: 's.3', record: 'torn {"lev' },
      { deadAt: expect.any(String), reason: 'receiver rejected 4 log records', unidentifiedRecords: 4 },
    ]);
    expect(Date.parse(written[0]!['deadAt'] as string)).not.toBeNaN();
    expect(reports).toEqual([]);
  });

  it('stops at its cap, counting the file it found, and reports that once', () => {
    const path = join(tempDir('dead-letter'), 'spool.dead-letter.ndjson');
    writeFileSync(path, `${JSON.stringify({ deadAt: '2026-11-26T07:00:00.000Z', reason: 'earlier', record: {} })}\n`);
    const reports: string[] = [];
    const file = new DeadLetterFile(path, 1_000, (t) => reports.push(t));
    const record = { line: '{"level":"info","msg":"fits"}\n', id: 's.1' };
    file.write([record], 'HTTP 400');
    expect(lines(path)).toHaveLength(2);
    const before = readFileSync(path, 'utf8');
    // Fits by its characters alone, not once formatted with its ids: the written size decides.
    const room = 1_000 - statSync(path).size;
    file.write([{ line: 'x'.repeat(room - 100), id: 'i'.repeat(200) }], 'HTTP 400');
    // Does not fit by its characters alone.
    file.write([{ line: 'x'.repeat(room + 1) }], 'HTTP 400');
    // Fits by characters, not in UTF-8 bytes.
    file.write([{ line: 'é'.repeat(room - 80) }], 'HTTP 400');
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(statSync(path).size).toBeLessThanOrEqual(1_000);
    expect(reports).toEqual([`dead-letter file ${path} is at its cap of 1000 bytes; further refused records are dropped and counted`]);
    // A record that fills the room to the byte is still written: `{"deadAt":"<24 characters>","reason":"HTTP 400","record":` and `}\n` are 68 bytes.
    file.write([{ line: JSON.stringify('x'.repeat(room - 68 - 2)) }], 'HTTP 400');
    expect(lines(path)).toHaveLength(3);
    expect(statSync(path).size).toBe(1_000);
  });

  it('does not format the records of a batch whose characters alone exceed the room left', () => {
    const path = join(tempDir('dead-letter'), 'spool.dead-letter.ndjson');
    const file = new DeadLetterFile(path, 10_000, () => {});
    const batch = Array.from({ length: 1_000 }, (_, i) => ({ line: `{"level":"info","seq":${i},"msg":"refused"}\n`, id: `s.${i}` }));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      file.write(batch, 'HTTP 401: token revoked');
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
    file.write(batch.slice(0, 10), 'HTTP 401: token revoked');
    expect(lines(path)).toHaveLength(10);
  });
});
