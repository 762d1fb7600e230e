import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileTransport } from '../../../transports/file/FileTransport';
import type { RotationSettings } from '../../../transports/file/Rotator';
import { allLines, expectEachOnce, fileTestDir, indexesIn, lineOf, logFiles, readLog, useFakeClock } from '../../support/file-logs';

const DAY = 86_400_000;

/** One run of a service: open the transport, write records from..to, close. */
async function run(dir: string, rotate: Partial<RotationSettings>, from: number, to: number): Promise<FileTransport> {
  const t = new FileTransport({ path: join(dir, 'app.log'), rotate: { maxBytes: 1000, compress: false, ...rotate } });
  for (let i = from; i < to; i++) t.write(lineOf(i));
  await t.close();
  return t;
}

/** A rotated file as an earlier run would have left it, `ageDays` old. */
function oldFile(dir: string, name: string, ageDays: number, text = lineOf(0)): string {
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(text) : text);
  const t = new Date(Date.now() - ageDays * DAY);
  utimesSync(path, t, t);
  return path;
}

const rotatedIn = (dir: string): string[] => logFiles(dir).filter((n) => n !== 'app.log');

describe('retention works from what is on disk', () => {
  it('maxFiles keeps that many rotated files beside the active one, the newest', async () => {
    const dir = fileTestDir('maxfiles');
    await run(dir, { maxFiles: 3 }, 0, 100); // nine rotations: files of ten records, the last one still active
    const rotated = rotatedIn(dir);
    expect(rotated).toHaveLength(3);
    expect(existsSync(join(dir, 'app.log'))).toBe(true);
    // the newest: the last 30 records before the active file's
    expect(indexesIn(rotated.flatMap((n) => readLog(join(dir, n)).split('\n').filter(Boolean)))).toEqual(Array.from({ length: 30 }, (_, i) => 60 + i));
    expect(indexesIn(readLog(join(dir, 'app.log')).split('\n').filter(Boolean))).toEqual(Array.from({ length: 10 }, (_, i) => 90 + i));
  });

  it('maxAge deletes rotated files whose last record is older, by modification time', async () => {
    const dir = fileTestDir('maxage');
    oldFile(dir, 'app.2026-10-01T00-00-00.1.log.gz', 30);
    oldFile(dir, 'app.2026-11-10T00-00-00.1.log.gz', 15);
    const kept = oldFile(dir, 'app.2026-11-12T00-00-00.1.log.gz', 13);
    await run(dir, { maxAgeMs: 14 * DAY }, 0, 1);
    expect(rotatedIn(dir)).toEqual([kept.split('/').pop()]);
  });

  it('maxAge goes by the clock (fake clock: two weeks later the same files are gone)', async () => {
    useFakeClock();
    try {
      const dir = fileTestDir('maxage-clock');
      oldFile(dir, 'app.2026-11-12T00-00-00.1.log.gz', 1);
      await run(dir, { maxAgeMs: 14 * DAY }, 0, 1);
      expect(rotatedIn(dir)).toHaveLength(1);
      jest.setSystemTime(Date.now() + 14 * DAY);
      await run(dir, { maxAgeMs: 14 * DAY }, 1, 2);
      expect(rotatedIn(dir)).toHaveLength(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('maxTotalSize keeps the newest rotated files that fit together', async () => {
    const dir = fileTestDir('maxtotal');
    await run(dir, { maxTotalBytes: 3500 }, 0, 100); // files of 1000 bytes
    expect(rotatedIn(dir).map((n) => statSync(join(dir, n)).size)).toEqual([1000, 1000, 1000]);
  });

  it('a restart with a smaller maxFiles prunes the files of the earlier run', async () => {
    const dir = fileTestDir('restart-prune');
    await run(dir, { maxFiles: 20 }, 0, 100);
    expect(rotatedIn(dir)).toHaveLength(9);
    await run(dir, { maxFiles: 4 }, 100, 100); // no rotation in this run: the startup pass prunes
    expect(rotatedIn(dir)).toHaveLength(4);
  });

  it('changed options still prune and compress files written under the old ones', async () => {
    const dir = fileTestDir('changed');
    await run(dir, {}, 0, 60); // size only, uncompressed, no retention: 5 rotated .log files and a full app.log
    expect(rotatedIn(dir)).toHaveLength(5);
    expect(rotatedIn(dir).every((n) => n.endsWith('.log'))).toBe(true);
    await run(dir, { intervalMs: DAY, maxBytes: 1000, compress: true, maxFiles: 6 }, 60, 100); // 4 more rotations
    const rotated = rotatedIn(dir);
    expect(rotated).toHaveLength(6);
    expect(rotated.every((n) => n.endsWith('.log.gz'))).toBe(true); // earlier files compressed too
    expect(indexesIn(allLines(dir))).toEqual(Array.from({ length: 100 - 30 }, (_, i) => 30 + i)); // the 3 oldest files pruned, nothing else lost
  });

  it('finishes what a killed run left: stale temporary files, uncompressed files, and a file with its complete .gz twin', async () => {
    const dir = fileTestDir('leftovers');
    oldFile(dir, 'app.2026-11-20T00-00-00.1.log', 2, lineOf(1) + lineOf(2)); // killed before compression
    oldFile(dir, 'app.2026-11-20T00-00-00.2.log', 2, lineOf(3)); // killed between rename and delete:
    oldFile(dir, 'app.2026-11-20T00-00-00.2.log.gz', 2, lineOf(3)); //   its twin is complete
    oldFile(dir, 'app.2026-11-20T00-00-00.3.log.gz.tmp', 2, 'half a gzip'); // killed during compression
    oldFile(dir, 'app.2026-11-20T00-00-00.4.log', 2, ''); // an empty file still becomes valid gzip
    await run(dir, { compress: true }, 4, 5);
    expect(readdirSync(dir).sort()).toEqual(['app.2026-11-20T00-00-00.1.log.gz', 'app.2026-11-20T00-00-00.2.log.gz', 'app.2026-11-20T00-00-00.4.log.gz', 'app.log', 'app.log.lock']);
    expectEachOnce(indexesIn(allLines(dir)).map((i) => i - 1), 4);
  });

  describe('when the wall clock steps back', () => {
    const T = new Date('2026-11-26T12:00:00Z');
    beforeEach(() => useFakeClock(T));
    afterEach(() => jest.useRealTimers());

    /** Writes records from..to in one flushed batch: files of ten records, rotated between them. */
    async function write(t: FileTransport, from: number, to: number): Promise<void> {
      for (let i = from; i < to; i++) t.write(lineOf(i));
      await t.flush();
    }

    it('maxFiles keeps the newest files in the order they were rotated, not by the clock', async () => {
      const dir = fileTestDir('clock-back');
      const t = new FileTransport({ path: join(dir, 'app.log'), rotate: { maxBytes: 1000, compress: false, maxFiles: 3 } });
      await write(t, 0, 50); // four rotations at T
      jest.setSystemTime(T.getTime() - DAY); // NTP corrects a clock that ran a day ahead
      await write(t, 50, 100); // five more, a day "earlier"
      await t.close();
      const rotated = rotatedIn(dir);
      expect(rotated).toHaveLength(3);
      // the last three files rotated, and `ls` lists every file in the order it was written
      expect(indexesIn(allLines(dir))).toEqual(Array.from({ length: 40 }, (_, i) => 60 + i));
    });

    it('a restart with the clock still behind names its files after those of the earlier run', async () => {
      const dir = fileTestDir('clock-back-restart');
      await run(dir, { maxFiles: 3 }, 0, 50);
      jest.setSystemTime(T.getTime() - DAY);
      await run(dir, { maxFiles: 3 }, 50, 100);
      expect(indexesIn(allLines(dir))).toEqual(Array.from({ length: 40 }, (_, i) => 60 + i));
    });
  });

  it('never touches files that are not its own', async () => {
    const dir = fileTestDir('foreign');
    const foreign = ['app.log.1', 'app.log.bak', 'app-2026-11-20.log.gz', 'other.2026-11-20T00-00-00.1.log.gz', 'notes.txt', 'app.2026-11-20.log'];
    for (const name of foreign) oldFile(dir, name, 400);
    await run(dir, { maxFiles: 1, maxAgeMs: DAY, maxTotalBytes: 10, compress: true }, 0, 30);
    for (const name of foreign) expect(existsSync(join(dir, name))).toBe(true);
  });
});
