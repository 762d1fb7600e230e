import { readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileTransport } from '../../../transports/file/FileTransport';
import { allLines, logFiles, readLog, splitLines, stderrReports, writeBatches } from '../../support/file-logs';
import { mountTmpfs } from '../../support/file-tmpfs';

const reports = stderrReports();

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
