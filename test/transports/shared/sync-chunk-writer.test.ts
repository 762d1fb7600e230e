import { SyncChunkWriter } from '../../../transports/shared/SyncChunkWriter';

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
