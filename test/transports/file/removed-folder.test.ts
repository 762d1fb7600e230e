import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileTransport, type FileTransportSettings } from '../../../transports/file/FileTransport';
import { fileTestDir, readLog, splitLines, stderrReports, useFakeClock, writeBatches } from '../../support/file-logs';

const reports = stderrReports();

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
