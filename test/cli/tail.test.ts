import { spawn } from 'node:child_process';
import fs, { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogFollower, READ_CHUNK } from '../../src/cli/LogFollower';
import { BIN, record } from '../support/prodlog-cli';
import { tempDir } from '../support/run-fixture';

describe('LogFollower (prodlog tail)', () => {
  it('keeps a UTF-8 character that a read cuts in two whole', () => {
    const file = join(tempDir('follow-utf8'), 'app.log');
    const long = `${'a'.repeat(READ_CHUNK - 1)}é`; // "é" is two bytes: the first read ends between them
    writeFileSync(file, `${long}\nnext\n`);
    const follower = new LogFollower(file);
    expect(follower.start(10)).toEqual([long, 'next']);
    follower.close();
  });

  it('starts with the last lines, then returns appended lines across rename rotation and truncation', () => {
    const dir = tempDir('follow');
    const file = join(dir, 'app.log');
    writeFileSync(file, 'a\nb\nc\n');
    const follower = new LogFollower(file);
    expect(follower.start(2)).toEqual(['b', 'c']);
    appendFileSync(file, 'd\npart');
    expect(follower.poll()).toEqual(['d']);
    appendFileSync(file, 'ial\n');
    expect(follower.poll()).toEqual(['partial']);
    appendFileSync(file, 'e\n');
    renameSync(file, join(dir, 'app.1.log')); // rotation: the old file gets a last line it wrote before the rename
    appendFileSync(join(dir, 'app.1.log'), 'f\n');
    expect(follower.poll()).toEqual(['e', 'f']); // the path is gone for a moment: keep the old file
    writeFileSync(file, 'g\n');
    expect(follower.poll()).toEqual(['g']);
    truncateSync(file, 0); // copytruncate: seen as a shrink at the next poll
    expect(follower.poll()).toEqual([]);
    appendFileSync(file, 'h\n');
    expect(follower.poll()).toEqual(['h']);
    follower.close();
  });

  it('reads only the last lines of a file many blocks long, backwards from its end', () => {
    const dir = tempDir('follow-large');
    const file = join(dir, 'app.log');
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`);
    writeFileSync(file, `${lines.join('\n')}\npart`); // ~2 MB, ending in a line not yet complete
    const bytesOf = (n: number): number => Buffer.byteLength(`${lines.slice(-n).join('\n')}\npart`);
    expect(bytesOf(lines.length)).toBeGreaterThan(20 * READ_CHUNK);
    const readSync = jest.spyOn(fs, 'readSync');
    try {
      for (const n of [3, 2_000, 0]) { // 2 000 lines take more than one block
        readSync.mockClear();
        const follower = new LogFollower(file);
        expect(follower.start(n)).toEqual(lines.slice(lines.length - n));
        const read = readSync.mock.results.reduce((sum, r) => sum + (r.value as number), 0);
        // What is shown, plus at most a block searched back past it and a block read forwards past it.
        expect(read).toBeLessThanOrEqual(2 * bytesOf(n) + 2 * READ_CHUNK);
        appendFileSync(file, 'ial\n');
        expect(follower.poll()).toEqual(['partial']);
        follower.close();
        truncateSync(file, Buffer.byteLength(`${lines.join('\n')}\npart`));
      }
    } finally {
      readSync.mockRestore();
    }
  });

  it('runs as a command and stops on SIGINT', async () => {
    const dir = tempDir('tail');
    const file = join(dir, 'app.log');
    writeFileSync(file, `${record('one')}\n${record('two')}\n`);
    const child = spawn(process.execPath, [BIN, 'tail', file, '-n', '1']);
    let out = '';
    const seen = (text: string): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (out.includes(text)) resolve();
          else child.stdout.once('data', check);
        };
        check();
      });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await seen('"two"');
    appendFileSync(file, `${record('three')}\n`);
    await seen('"three"');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).not.toContain('"one"');
  });
});
