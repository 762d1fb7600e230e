import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileTransport } from '../../../transports/file/FileTransport';
import type { RotationSettings } from '../../../transports/file/Rotator';
import { allLines, expectEachOnce, fileTestDir, indexesIn, lineOf, logFiles, readLog, splitLines, useFakeClock } from '../../support/file-logs';

const HOUR = 3_600_000;

function rotating(dir: string, rotate: Partial<RotationSettings>): FileTransport {
  return new FileTransport({ path: join(dir, 'app.log'), rotate: { compress: false, ...rotate } });
}

function writeLines(t: FileTransport, from: number, to: number, bytes = 100): void {
  for (let i = from; i < to; i++) t.write(lineOf(i, bytes));
}

describe('size rotation', () => {
  it('rotates before a file would pass its size, on record boundaries', async () => {
    const dir = fileTestDir('size');
    const t = rotating(dir, { maxBytes: 10_240 });
    writeLines(t, 0, 2000); // 200,000 bytes: 19 full files of 102 lines and a rest
    await t.close();
    const files = logFiles(dir);
    expect(files).toHaveLength(20);
    for (const name of files) {
      const bytes = readFileSync(join(dir, name));
      expect(bytes.length).toBeLessThanOrEqual(10_240);
      expect(bytes.at(-1)).toBe(0x0a); // ends on a record boundary
    }
    expect(files.slice(0, -1).every((n) => statSync(join(dir, n)).size === 10_200)).toBe(true); // as full as whole records allow
    const indexes = indexesIn(allLines(dir));
    expect(indexes).toEqual(Array.from({ length: 2000 }, (_, i) => i)); // in order across files, each once
    expect(t.health()).toMatchObject({ ok: true, written: 2000, failed: 0 });
  });

  it('names rotated files by the UTC time of their first record and an index, beside the active file', async () => {
    useFakeClock(new Date('2026-11-26T05:42:10.500Z'));
    try {
      const dir = fileTestDir('names');
      const t = rotating(dir, { maxBytes: 1000 });
      writeLines(t, 0, 15);
      await t.flush();
      jest.setSystemTime(new Date('2026-11-26T05:42:11.100Z'));
      writeLines(t, 15, 25);
      await t.close();
      expect(logFiles(dir)).toEqual(['app.2026-11-26T05-42-10.1.log', 'app.2026-11-26T05-42-10.2.log', 'app.log']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives a record larger than the size a file of its own, unsplit', async () => {
    const dir = fileTestDir('oversize');
    const t = rotating(dir, { maxBytes: 1000 });
    writeLines(t, 0, 3);
    t.write(lineOf(3, 5000));
    writeLines(t, 4, 6);
    await t.close();
    const sizes = logFiles(dir).map((n) => statSync(join(dir, n)).size);
    expect(sizes).toEqual([300, 5000, 200]);
    expectEachOnce(indexesIn(allLines(dir)), 6);
  });

  it('continues an existing file after a restart and rotates it when it is full', async () => {
    const dir = fileTestDir('restart');
    writeFileSync(join(dir, 'app.log'), lineOf(0).repeat(8)); // 800 bytes from an earlier run
    const t = rotating(dir, { maxBytes: 1000 });
    writeLines(t, 1, 5);
    await t.close();
    expect(logFiles(dir).map((n) => statSync(join(dir, n)).size)).toEqual([1000, 200]);
  });
});

describe('interval rotation (fake clock)', () => {
  beforeEach(() => {
    useFakeClock();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('rotates at the end of each hour; each file is named by the time of its first record', async () => {
    jest.setSystemTime(new Date('2026-11-26T05:59:58Z'));
    const dir = fileTestDir('interval');
    const t = rotating(dir, { intervalMs: HOUR });
    writeLines(t, 0, 10);
    await t.flush();
    jest.advanceTimersByTime(3000); // 06:00:01: the timer fires
    writeLines(t, 10, 20);
    await t.flush();
    jest.advanceTimersByTime(HOUR); // 07:00:01
    writeLines(t, 20, 25);
    await t.close();
    expect(logFiles(dir)).toEqual(['app.2026-11-26T05-59-58.1.log', 'app.2026-11-26T06-00-01.1.log', 'app.log']);
    expect(indexesIn(splitLines(readLog(join(dir, 'app.2026-11-26T05-59-58.1.log'))))).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(indexesIn(splitLines(readLog(join(dir, 'app.2026-11-26T06-00-01.1.log'))))).toEqual(Array.from({ length: 10 }, (_, i) => i + 10));
  });

  it('does not rotate an empty period into an empty file', async () => {
    jest.setSystemTime(new Date('2026-11-26T05:30:00Z'));
    const dir = fileTestDir('empty-period');
    const t = rotating(dir, { intervalMs: HOUR });
    jest.advanceTimersByTime(3 * HOUR);
    writeLines(t, 0, 1);
    await t.close();
    expect(logFiles(dir)).toEqual(['app.log']);
  });

  it('rotates on the next write when a busy loop kept the timer from firing', async () => {
    jest.setSystemTime(new Date('2026-11-26T05:59:58Z'));
    const dir = fileTestDir('busy');
    const t = rotating(dir, { intervalMs: HOUR });
    writeLines(t, 0, 10);
    await t.flush();
    jest.setSystemTime(new Date('2026-11-26T06:00:05Z')); // time passes, no timer runs
    writeLines(t, 10, 20);
    await t.flush();
    expect(logFiles(dir)).toEqual(['app.2026-11-26T05-59-58.1.log', 'app.log']);
    await t.close();
  });

  it('rotates a file left from an earlier period at startup, under the time it was started', async () => {
    const dir = fileTestDir('stale');
    writeFileSync(join(dir, 'app.log'), lineOf(0));
    const born = statSync(join(dir, 'app.log')).birthtimeMs || statSync(join(dir, 'app.log')).mtimeMs;
    jest.setSystemTime(born + 2 * HOUR);
    const t = rotating(dir, { intervalMs: HOUR });
    writeLines(t, 1, 2);
    await t.close();
    expect(logFiles(dir)).toEqual([`app.${new Date(born).toISOString().slice(0, 19).replace(/:/g, '-')}.1.log`, 'app.log']);
  });

  it('with a size too, rotates by size within the hour and again at its end', async () => {
    jest.setSystemTime(new Date('2026-11-26T05:10:00Z'));
    const dir = fileTestDir('both');
    const t = rotating(dir, { intervalMs: HOUR, maxBytes: 1000 });
    writeLines(t, 0, 25);
    await t.flush();
    jest.advanceTimersByTime(HOUR);
    writeLines(t, 25, 40);
    await t.close();
    expect(logFiles(dir)).toEqual([
      'app.2026-11-26T05-10-00.1.log',
      'app.2026-11-26T05-10-00.2.log',
      'app.2026-11-26T05-10-00.3.log',
      'app.2026-11-26T06-10-00.1.log',
      'app.log',
    ]);
    expect(indexesIn(allLines(dir))).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});

describe('gzip', () => {
  it('leaves only .gz rotated files that decompress to exactly the lines written, in order', async () => {
    const dir = fileTestDir('gzip');
    const t = rotating(dir, { maxBytes: 16 * 1024, compress: true });
    const written: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const line = JSON.stringify({ i, msg: `record ${i}`, unicode: 'ünïcødé ✓', nested: { a: [i, i * 2] } }) + '\n';
      written.push(line);
      t.write(line);
    }
    await t.close();
    const files = logFiles(dir);
    expect(files.length).toBeGreaterThan(10);
    expect(files.slice(0, -1).every((n) => n.endsWith('.log.gz'))).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(files.map((n) => readLog(join(dir, n))).join('')).toBe(written.join(''));
  });

  it('compresses a file larger than one 16 MiB block so that gzip itself reads it back exactly', async () => {
    const dir = fileTestDir('gzip-large');
    const t = rotating(dir, { maxBytes: 20 * 1024 * 1024, compress: true });
    const line = (i: number): string => `{"i":${i},"msg":"${'m'.repeat(80 + (i % 50))}"}\n`;
    const written: string[] = [];
    for (let bytes = 0; bytes < 21 * 1024 * 1024; ) {
      const l = line(written.length);
      bytes += l.length;
      written.push(l);
      t.write(l);
    }
    await t.close();
    const [gz, active] = logFiles(dir);
    expect(gz).toMatch(/\.log\.gz$/);
    const text = execFileSync('gzip', ['-dc', join(dir, gz!)], { maxBuffer: 64 * 1024 * 1024 }).toString('utf8');
    expect(text.length).toBeGreaterThan(16 * 1024 * 1024);
    expect(text + readLog(join(dir, active!))).toBe(written.join(''));
  });

  it('gives the .gz the modification time of its last record, which maxAge goes by', async () => {
    const dir = fileTestDir('gzip-mtime');
    const t = rotating(dir, { maxBytes: 1000, compress: true });
    writeLines(t, 0, 15);
    await t.close();
    const gz = join(dir, logFiles(dir)[0]!);
    const active = statSync(join(dir, 'app.log'));
    // the rotated file's last write happened before the active file's first
    expect(statSync(gz).mtimeMs).toBeLessThanOrEqual(active.mtimeMs);
    expect(Date.now() - statSync(gz).mtimeMs).toBeLessThan(60_000);
  });

  it(`keeps each of 300,000 records exactly once across ${'many'} rotations`, async () => {
    const dir = fileTestDir('300k');
    const t = rotating(dir, { maxBytes: 256 * 1024, compress: true });
    for (let i = 0; i < 300_000; i++) t.write(`{"level":"info","i":${i},"msg":"record"}\n`);
    await t.close();
    const files = logFiles(dir);
    expect(files.length).toBeGreaterThan(30);
    expectEachOnce(indexesIn(allLines(dir)), 300_000);
    expect(t.health()).toMatchObject({ ok: true, written: 300_000, failed: 0, dropped: 0 });
  });
});
