import { readdirSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileTransport, type FileTransportSettings } from '../transports/file/FileTransport';
import { allLines, fileTestDir, lineOf, logFiles, readLog, splitLines, useFakeClock } from './support/file-logs';
import { mountTmpfs } from './support/file-tmpfs';

let stderr: jest.SpyInstance;
beforeEach(() => {
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  stderr.mockRestore();
});

const reports = (code: string): string[] => stderr.mock.calls.map((c) => String(c[0])).filter((t) => t.includes(code));

/** Writes records in flushed batches, as a service would over time; returns the next index. */
async function writeBatches(t: FileTransport, from: number, count: number, batch = 50): Promise<number> {
  let i = from;
  while (i < from + count) {
    for (let k = 0; k < batch && i < from + count; k++, i++) t.write(lineOf(i, 200));
    await t.flush();
  }
  return i;
}

function parseAll(lines: readonly string[]): { valid: number; broken: number } {
  let broken = 0;
  for (const line of lines) {
    try {
      JSON.parse(line);
    } catch {
      broken++;
    }
  }
  return { valid: lines.length - broken, broken };
}

describe('a full disk (ENOSPC on a 1 MiB tmpfs)', () => {
  let fs: ReturnType<typeof mountTmpfs>;
  beforeEach(() => {
    fs = mountTmpfs('1m');
  });
  afterEach(() => {
    fs.unmount();
  });

  it('a rotating file: writes fail and are counted, reported on stderr once, no half record is left, and logging resumes when space returns', async () => {
    writeFileSync(join(fs.dir, 'filler'), Buffer.alloc(700 * 1024));
    const t = new FileTransport({ path: join(fs.dir, 'app.log'), rotate: { maxBytes: 64 * 1024, compress: true } });
    let next = await writeBatches(t, 0, 3000); // 600 KB into ~300 KB of free space
    const full = t.health();
    expect(full.ok).toBe(false);
    expect(full.failed).toBeGreaterThan(0);
    expect(full.lastError).toMatch(/^ENOSPC: /);
    expect(full.written + full.failed).toBe(3000);
    // many failures, one report for the writes (and at most one for the compressions)
    const writes = reports(`writes to ${join(fs.dir, 'app.log')} failed: ENOSPC`);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('further write failures are counted in health().failed, not printed');
    expect(reports('ENOSPC').filter((r) => !r.includes(': compression of '))).toEqual(writes);

    rmSync(join(fs.dir, 'filler'));
    next = await writeBatches(t, next, 500);
    expect(t.health()).toMatchObject({ ok: true, written: full.written + 500, failed: full.failed });
    await t.close();
    const lines = allLines(fs.dir);
    expect(parseAll(lines)).toEqual({ valid: full.written + 500, broken: 0 }); // the sole writer cut failed writes back
    expect(next).toBe(3500);
    // a compression that failed for lack of space was tried again once space returned
    expect(logFiles(fs.dir).filter((n) => n !== 'app.log').every((n) => n.endsWith('.gz'))).toBe(true);
    expect(readdirSync(fs.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a write and a compression failing on the full disk are each reported once, naming what failed, and counted apart in health', async () => {
    const path = join(fs.dir, 'app.log');
    const t = new FileTransport({ path, rotate: { maxBytes: 64 * 1024, compress: true } });
    // Room for exactly one full active file: the rotation that follows finds no room for the
    // records after it, nor for the compressed copy of the rotated file.
    const { bavail, bsize } = statfsSync(fs.dir);
    writeFileSync(join(fs.dir, 'filler'), Buffer.alloc(bavail * bsize - 64 * 1024));
    await writeBatches(t, 0, 1000);
    await t.close(); // waits for the compression in hand, which fails
    const health = t.health();
    const rotated = logFiles(fs.dir).filter((n) => n !== 'app.log');
    expect(rotated).toEqual([expect.stringMatching(/^app\..*\.1\.log$/)]); // kept uncompressed
    expect(readLog(join(fs.dir, rotated[0]!)).split('\n').filter(Boolean)).toHaveLength(health.written);
    expect(health).toMatchObject({ ok: false, failed: 1000 - health.written, compressionsFailed: 1 });
    const writes = reports(`writes to ${path} failed: ENOSPC`);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/; \d+ records lost so far \(further write failures are counted in health\(\)\.failed, not printed\)\n$/);
    expect(reports(`compression of ${join(fs.dir, rotated[0]!)} failed: ENOSPC`)).toHaveLength(1);
    expect(reports('ENOSPC')).toHaveLength(2); // nothing else, and each once
  });

  it('a plain file: the same, and the record cut short by the full disk cannot corrupt the next one', async () => {
    writeFileSync(join(fs.dir, 'filler'), Buffer.alloc(900 * 1024));
    const t = new FileTransport({ path: join(fs.dir, 'app.log'), reopenSignal: false });
    await writeBatches(t, 0, 1000);
    const full = t.health();
    expect(full).toMatchObject({ ok: false });
    expect(full.failed).toBeGreaterThan(0);
    expect(reports('ENOSPC')).toHaveLength(1);
    rmSync(join(fs.dir, 'filler'));
    await writeBatches(t, 1000, 500);
    expect(t.health().ok).toBe(true);
    await t.close();
    // Other processes may append to a plain file, so it is not cut back: at most the one
    // torn record stays, on a line of its own, and every record written is whole.
    const { valid, broken } = parseAll(splitLines(readLog(join(fs.dir, 'app.log'))));
    expect(valid).toBe(full.written + 500);
    expect(broken).toBeLessThanOrEqual(1);
  });
});

describe('a removed log folder', () => {
  beforeEach(() => {
    useFakeClock();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const cases: [string, Partial<FileTransportSettings>][] = [
    ['a plain file', { reopenSignal: false }],
    ['a rotating file', { rotate: { maxBytes: 1024 * 1024, compress: false } }],
  ];

  it.each(cases)('%s: is noticed on the next write, created again and reported once; logging goes on', async (_name, settings) => {
    const dir = join(fileTestDir('removed'), 'logs');
    const t = new FileTransport({ path: join(dir, 'app.log'), ...settings });
    await writeBatches(t, 0, 10);
    rmSync(dir, { recursive: true });
    await writeBatches(t, 10, 10);
    expect(splitLines(readLog(join(dir, 'app.log')))).toHaveLength(10); // the records after the removal
    expect(reports('had been removed and was created again')).toHaveLength(1);
    expect(t.health()).toMatchObject({ ok: true, written: 20, failed: 0 });
    await t.close();
  });

  it.each(cases)('%s removed or renamed between two writes, with no time passing: the next record goes to a new file at the path, and written counts only records that reached a file', async (_name, settings) => {
    const dir = fileTestDir('removed-at-once');
    const path = join(dir, 'app.log');
    const t = new FileTransport({ path, ...settings });
    await writeBatches(t, 0, 10);
    renameSync(path, join(dir, 'app.log.1')); // logrotate without a signal
    await writeBatches(t, 10, 10);
    rmSync(path); // someone deletes the file
    await writeBatches(t, 20, 10);
    expect(splitLines(readLog(join(dir, 'app.log.1')))).toHaveLength(10);
    expect(splitLines(readLog(path))).toHaveLength(10); // records 20..29: none went to the deleted file
    expect(t.health()).toMatchObject({ written: 30, failed: 0 });
    await t.close();
  });

  it('a rotating file whose folder is removed just before it rotates starts a new file in a new folder', async () => {
    const dir = join(fileTestDir('removed-rotate'), 'logs');
    const t = new FileTransport({ path: join(dir, 'app.log'), rotate: { maxBytes: 2000, compress: false } });
    await writeBatches(t, 0, 5);
    rmSync(dir, { recursive: true });
    await writeBatches(t, 5, 15); // rotates (rename fails: nothing left to keep) and reopens
    expect(splitLines(readLog(join(dir, 'app.log'))).length).toBeGreaterThan(0);
    expect(t.health()).toMatchObject({ written: 20, failed: 0 });
    await t.close();
  });

  it('when the folder cannot be created again, writes fail and are counted until it can', async () => {
    const root = fileTestDir('blocked');
    const dir = join(root, 'logs');
    const t = new FileTransport({ path: join(dir, 'app.log'), reopenSignal: false });
    await writeBatches(t, 0, 10);
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'a file where the folder was');
    await writeBatches(t, 10, 100);
    expect(t.health()).toMatchObject({ ok: false, written: 10, failed: 100 });
    expect(reports('ENOTDIR').length + reports('EEXIST').length).toBe(1);
    rmSync(dir);
    await writeBatches(t, 110, 10);
    expect(t.health()).toMatchObject({ ok: true, written: 20, failed: 100 });
    expect(splitLines(readLog(join(dir, 'app.log')))).toHaveLength(10);
    await t.close();
  });
});
