import { join } from 'node:path';
import { FileInUseError } from '../transports/file/FileInUseError';
import { FileTransport } from '../transports/file/FileTransport';
import { allLines, expectEachOnce, fileTestDir } from './support/file-logs';
import { startFixture, type RunningFixture } from './support/file-fixture';

const ROTATE = JSON.stringify({ size: '64K', compress: 'gzip' });

function writer(path: string, rotate: string, who: string, records: number): RunningFixture {
  return startFixture('file-writer.js', [path, rotate, who, String(records)]);
}

async function go(w: RunningFixture): Promise<void> {
  w.child.stdin!.write('go\n');
  await w.line(/^closed$/);
}

function recordsBy(lines: readonly string[], who: string): number[] {
  return lines.map((l) => JSON.parse(l) as { who?: string; i?: number }).filter((r) => r.who === who).map((r) => r.i!);
}

describe('two processes configured with one rotating file', () => {
  it('the second one fails at startup with an error naming the file and the writer; the first loses nothing', async () => {
    const dir = fileTestDir('two-rotating');
    const path = join(dir, 'app.log');
    const first = writer(path, ROTATE, 'first', 30_000);
    const firstPid = Number((await first.line(/^ready /)).split(' ')[1]);
    const second = await writer(path, ROTATE, 'second', 30_000).done;
    expect(second.status).toBe(3);
    const { error, code } = JSON.parse(second.stdout) as { error: string; code: string };
    expect(code).toBe('PRODLOG_FILE_IN_USE');
    expect(error).toContain(`cannot write the rotating log file "${path}": process ${firstPid} is writing it (lock ${path}.lock)`);
    expect(error).toContain('give each process its own path');
    await go(first);
    const lines = allLines(dir);
    expectEachOnce(recordsBy(lines, 'first'), 30_000);
    expect(recordsBy(lines, 'second')).toEqual([]);
  });

  it('a writer killed with SIGKILL leaves no stale lock: the next one starts and appends', async () => {
    const dir = fileTestDir('killed');
    const path = join(dir, 'app.log');
    const first = writer(path, ROTATE, 'first', 1);
    await first.line(/^ready /);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    const next = writer(path, ROTATE, 'next', 5000);
    await next.line(/^ready /);
    await go(next);
    expectEachOnce(recordsBy(allLines(dir), 'next'), 5000);
  });

  it('a writer that closed its logger hands over: the next one starts', async () => {
    const dir = fileTestDir('handover');
    const path = join(dir, 'app.log');
    const first = writer(path, ROTATE, 'first', 2000);
    await first.line(/^ready /);
    await go(first);
    const next = writer(path, ROTATE, 'next', 2000);
    await next.line(/^ready /);
    await go(next);
    const lines = allLines(dir);
    expectEachOnce(recordsBy(lines, 'first'), 2000);
    expectEachOnce(recordsBy(lines, 'next'), 2000);
  });

  it('two transports of one process on one rotating file: the second fails the same way', async () => {
    const path = join(fileTestDir('same-process'), 'app.log');
    const first = new FileTransport({ path, rotate: { maxBytes: 1024, compress: false } });
    try {
      expect(() => new FileTransport({ path, rotate: { maxBytes: 1024, compress: false } })).toThrow(FileInUseError);
      expect(() => new FileTransport({ path, rotate: { maxBytes: 1024, compress: false } })).toThrow(`another transport of this process (${process.pid}) is writing it`);
    } finally {
      await first.close();
    }
    const after = new FileTransport({ path, rotate: { maxBytes: 1024, compress: false } }); // released by close()
    await after.close();
  });
});

describe('two processes appending to one plain file (no rotate)', () => {
  it('both may, and every line of both arrives whole', async () => {
    const dir = fileTestDir('two-plain');
    const path = join(dir, 'app.log');
    const a = writer(path, '-', 'a', 50_000);
    const b = writer(path, '-', 'b', 50_000);
    await Promise.all([a.line(/^ready /), b.line(/^ready /)]);
    await Promise.all([go(a), go(b)]);
    const lines = allLines(dir); // JSON.parse of every line: a torn line would throw
    expect(lines).toHaveLength(100_000);
    expectEachOnce(recordsBy(lines, 'a'), 50_000);
    expectEachOnce(recordsBy(lines, 'b'), 50_000);
  });
});
