import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TransportHealth } from '../../../src/core/transport';
import { FileInUseError } from '../../../transports/file/FileInUseError';
import { FileTransport } from '../../../transports/file/FileTransport';
import { allLines, expectEachOnce, fileTestDir } from '../../support/file-logs';
import { startFixture, type RunningFixture } from '../../support/file-fixture';

const ROTATE = JSON.stringify({ size: '64K', compress: 'gzip' });

const started: RunningFixture[] = [];
afterEach(() => {
  // A failed test must not leave writers waiting for their "go" (jest would wait for them).
  for (const w of started.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
});

function writer(path: string, rotate: string, who: string, records: number): RunningFixture {
  const w = startFixture('file-writer.js', [path, rotate, who, String(records)]);
  started.push(w);
  return w;
}

async function go(w: RunningFixture): Promise<TransportHealth> {
  w.child.stdin!.write('go\n');
  await w.line(/^closed$/);
  return JSON.parse((await w.line(/^health /)).slice('health '.length)) as TransportHealth;
}

/** The error a writer that must not start printed; one that started anyway is stopped, and the test fails. */
async function refusal(w: RunningFixture): Promise<{ error: string; code: string }> {
  void w.line(/^ready /).then(
    () => w.child.kill('SIGKILL'),
    () => undefined,
  );
  const result = await w.done;
  expect(result.status).toBe(3);
  return JSON.parse(result.stdout) as { error: string; code: string };
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
    expect(error).toContain(`cannot write the rotating log file "${path}": process ${firstPid} rotates it (lock ${path}.lock)`);
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
      expect(() => new FileTransport({ path, rotate: { maxBytes: 1024, compress: false } })).toThrow(`another transport of this process (${process.pid}, from a second copy of prodlog or made directly, so not shared) rotates it`);
    } finally {
      await first.close();
    }
    const after = new FileTransport({ path, rotate: { maxBytes: 1024, compress: false } }); // released by close()
    await after.close();
  });
});

describe('a rotating writer and a plain writer (no rotate) on one path', () => {
  // Rotation renames the file under the plain writer and compression deletes it: the plain
  // writer's records would go to a file that no longer exists while it counts them as written.
  it('a plain writer started while a rotating one holds the path fails at startup, naming the path and the rotating process; the rotating one loses nothing', async () => {
    const dir = fileTestDir('rotating-then-plain');
    const path = join(dir, 'app.log');
    const rotating = writer(path, ROTATE, 'rotating', 30_000);
    const rotatingPid = Number((await rotating.line(/^ready /)).split(' ')[1]);
    const { error, code } = await refusal(writer(path, '-', 'plain', 30_000));
    expect(code).toBe('PRODLOG_FILE_IN_USE');
    expect(error).toContain(`cannot append to the log file "${path}": process ${rotatingPid} rotates it (lock ${path}.lock)`);
    expect(error).toContain('give each process its own path');
    const health = await go(rotating);
    expect(health).toMatchObject({ written: 30_000, failed: 0 });
    expectEachOnce(recordsBy(allLines(dir), 'rotating'), 30_000);
  });

  it('a rotating writer started while plain writers append to the path fails at startup, naming the path and a plain writer; they lose nothing', async () => {
    const dir = fileTestDir('plain-then-rotating');
    const path = join(dir, 'app.log');
    const a = writer(path, '-', 'a', 30_000);
    const b = writer(path, '-', 'b', 30_000);
    const pids = await Promise.all([a.line(/^ready /), b.line(/^ready /)]).then((lines) => lines.map((l) => Number(l.split(' ')[1])));
    const { error, code } = await refusal(writer(path, ROTATE, 'rotating', 30_000));
    expect(code).toBe('PRODLOG_FILE_IN_USE');
    expect(error).toMatch(new RegExp(`cannot write the rotating log file "${path}": process (${pids.join('|')}) appends to it without "rotate" \\(lock ${path}\\.lock\\)`));
    const [ha, hb] = await Promise.all([go(a), go(b)]);
    expect([ha.written, hb.written]).toEqual([30_000, 30_000]);
    const lines = allLines(dir);
    expectEachOnce(recordsBy(lines, 'a'), 30_000);
    expectEachOnce(recordsBy(lines, 'b'), 30_000);
    expect(recordsBy(lines, 'rotating')).toEqual([]);
  });

  it('the error names a plain writer that still runs, not one that started later and has exited', async () => {
    const dir = fileTestDir('plain-exited');
    const path = join(dir, 'app.log');
    const a = writer(path, '-', 'a', 10);
    const aPid = Number((await a.line(/^ready /)).split(' ')[1]);
    const b = writer(path, '-', 'b', 10);
    await b.line(/^ready /);
    await go(b); // b's line is the last in the lock file, and b is gone
    expect((await b.done).status).toBe(0);
    const { error } = await refusal(writer(path, ROTATE, 'rotating', 10));
    expect(error).toContain(`process ${aPid} appends to it without "rotate"`);
    await go(a);
  });

  it('the lock file of a plain file does not grow without bound as writers come and go', async () => {
    const path = join(fileTestDir('lock-size'), 'app.log');
    writeFileSync(`${path}.lock`, '123 appending\n'.repeat(400));
    const t = new FileTransport({ path, reopenSignal: false });
    await t.close();
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid} appending\n`);
  });

  it('the same in one process: a plain transport and a rotating one on one path cannot both open', async () => {
    const path = join(fileTestDir('mixed-same-process'), 'app.log');
    const plain = new FileTransport({ path, reopenSignal: false });
    try {
      expect(() => new FileTransport({ path, rotate: { maxBytes: 1024, compress: false } })).toThrow(`another transport of this process (${process.pid}, from a second copy of prodlog or made directly, so not shared) appends to it`);
    } finally {
      await plain.close();
    }
    const rotating = new FileTransport({ path, rotate: { maxBytes: 1024, compress: false } });
    try {
      expect(() => new FileTransport({ path, reopenSignal: false })).toThrow(FileInUseError);
    } finally {
      await rotating.close();
    }
  });
});

describe('two processes appending to one plain file (no rotate)', () => {
  it('both may, and every line of both arrives whole', async () => {
    const dir = fileTestDir('two-plain');
    const path = join(dir, 'app.log');
    const a = writer(path, '-', 'a', 50_000);
    const b = writer(path, '-', 'b', 50_000);
    await Promise.all([a.line(/^ready /), b.line(/^ready /)]);
    const health = await Promise.all([go(a), go(b)]);
    expect(health.map((h) => h.written)).toEqual([50_000, 50_000]);
    const lines = allLines(dir); // JSON.parse of every line: a torn line would throw
    expect(lines).toHaveLength(100_000);
    expectEachOnce(recordsBy(lines, 'a'), 50_000);
    expectEachOnce(recordsBy(lines, 'b'), 50_000);
  });
});
