import fs from 'node:fs';
import { SpoolWriter } from '../../transports/shipping/SpoolWriter';
import type { Segment } from '../../transports/shipping/SegmentFiles';
import { tempDir } from '../support/run-fixture';

const line = (i: number): string => `{"level":"info","i":${i},"msg":"record"}\n`;

function writer(segmentBytes = 1024 * 1024): { writer: SpoolWriter; appended: () => number } {
  let records = 0;
  const w = new SpoolWriter({ dir: tempDir('spool-writer'), segmentBytes, chunkChars: 4096 }, [] as Segment[], {
    appended: (_segment, n) => (records += n),
    failed: (err) => {
      throw err;
    },
  });
  return { writer: w, appended: () => records };
}

describe('SpoolWriter', () => {
  let fsyncs: jest.SpyInstance;
  beforeEach(() => {
    // SpoolWriter calls fdatasyncSync through the node:fs module object, so the spy sees every call.
    fsyncs = jest.spyOn(fs, 'fdatasyncSync');
  });
  afterEach(() => fsyncs.mockRestore());

  it('syncNow fsyncs what was appended, and does nothing more while nothing new is appended', () => {
    const { writer: w, appended } = writer();
    w.append(line(0));
    w.syncNow();
    expect(appended()).toBe(1);
    expect(fsyncs).toHaveBeenCalledTimes(1);
    // FATAL calls it three times in a row: the second and third have nothing to do.
    w.syncNow();
    w.syncNow();
    expect(fsyncs).toHaveBeenCalledTimes(1);
    w.append(line(1));
    w.syncNow();
    expect(fsyncs).toHaveBeenCalledTimes(2);
    w.close();
    expect(fsyncs).toHaveBeenCalledTimes(2);
  });

  it('syncNow never fsyncs a writer that has appended nothing', () => {
    const { writer: w } = writer();
    w.syncNow();
    w.close();
    expect(fsyncs).not.toHaveBeenCalled();
  });

  it('syncNow still fsyncs while a background sync round is in progress', async () => {
    const { writer: w } = writer();
    w.append(line(0));
    w.writeOut();
    const round = new Promise<void>((resolve) => w.syncSoon(resolve)); // clears `dirty` before its fsync is done
    w.syncNow();
    expect(fsyncs).toHaveBeenCalledTimes(1);
    await round;
    w.syncNow();
    expect(fsyncs).toHaveBeenCalledTimes(1);
    w.close();
  });

  it('syncNow also fsyncs the retired segments a background round is still fsyncing', async () => {
    const { writer: w } = writer(1024); // every 4 KiB block fills a segment
    for (let i = 0; i < 300; i++) w.append(line(i));
    w.writeOut();
    const round = new Promise<void>((resolve) => w.syncSoon(resolve)); // takes the retired segments
    w.syncNow();
    const fds = new Set(fsyncs.mock.calls.map(([fd]) => fd as number));
    expect(fds.size).toBeGreaterThan(1); // the active segment and the retired ones
    await round;
    w.close();
  });

  it('syncNow fsyncs and closes every segment retired since the last sync, then has nothing left to do', () => {
    const { writer: w } = writer(1024); // every 4 KiB block fills a segment
    for (let i = 0; i < 300; i++) w.append(line(i));
    w.syncNow();
    const fds = fsyncs.mock.calls.map(([fd]) => fd as number);
    expect(fds.length).toBeGreaterThan(1);
    // All but the last are retired segments, closed once fsynced (the last may still be the active one).
    for (const fd of fds.slice(0, -1)) expect(() => fs.fstatSync(fd)).toThrow(/EBADF/);
    w.syncNow();
    expect(fsyncs).toHaveBeenCalledTimes(fds.length);
    w.close();
  });

  it('buffers lines and appends them as one block when the chunk size is reached or at the end of the tick', async () => {
    const { writer: w, appended } = writer();
    w.append(line(0));
    expect(w.pendingChars).toBe(line(0).length);
    expect(appended()).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(appended()).toBe(1);
    expect(w.pendingChars).toBe(0);
    let i = 1;
    while (appended() === 1) w.append(line(i++));
    expect(w.pendingChars).toBe(0); // the line that reached 4096 characters was appended with the others at once
    expect(appended()).toBe(i);
    w.close();
  });
});
