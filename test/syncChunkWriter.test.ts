import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HealthCounters } from '../transports/shared/HealthCounters';
import { fdSink, SyncChunkWriter } from '../transports/shared/SyncChunkWriter';
import { tempDir } from './support/runFixture';

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SyncChunkWriter', () => {
  it('hands lines to its sink as one chunk at the size threshold, at the end of the tick, or on writeOut', async () => {
    const chunks: [string, number][] = [];
    const writer = new SyncChunkWriter((data, records) => chunks.push([data, records]), 10);
    writer.write('a\n');
    writer.write('b\n');
    expect(chunks).toEqual([]);
    expect(writer.pendingChars).toBe(4);
    await nextTick();
    expect(chunks).toEqual([['a\nb\n', 2]]);
    writer.write('cccc\n');
    writer.write('dddd\n'); // 10 characters: written at once
    expect(chunks).toEqual([['a\nb\n', 2], ['cccc\ndddd\n', 2]]);
    writer.write('e\n');
    writer.writeOut();
    writer.writeOut(); // nothing pending: the sink is not called
    expect(chunks).toEqual([['a\nb\n', 2], ['cccc\ndddd\n', 2], ['e\n', 1]]);
    expect(writer.pendingChars).toBe(0);
    await nextTick();
    expect(chunks).toHaveLength(3);
  });
});

describe('fdSink', () => {
  it('writes each chunk whole and counts its records; a failed write is counted and reported once, never thrown', () => {
    const reports: string[] = [];
    const counters = new HealthCounters('test', 'test:fd', (text) => reports.push(text));
    const path = join(tempDir('fd-sink'), 'out.log');
    const fd = openSync(path, 'a');
    const writer = new SyncChunkWriter(fdSink(fd, counters));
    writer.write('one\n');
    writer.write('twö\n');
    writer.writeOut();
    expect(readFileSync(path, 'utf8')).toBe('one\ntwö\n');
    expect(counters.snapshot()).toMatchObject({ ok: true, written: 2, failed: 0 });
    closeSync(fd);
    writer.write('three\n');
    expect(() => writer.writeOut()).not.toThrow();
    writer.write('four\n');
    writer.writeOut();
    expect(counters.snapshot()).toMatchObject({ ok: false, written: 2, failed: 2 });
    expect(counters.lastError).toMatch(/^EBADF/);
    expect(reports).toHaveLength(1);
  });
});
