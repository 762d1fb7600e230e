import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync, truncateSync, openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Spool, type SpoolSettings } from '../../transports/shipping/Spool';
import { HEADER_BYTES } from '../../transports/shipping/SpoolFormat';
import type { SpoolTail } from '../../transports/shipping/SpoolTail';
import { tempDir } from '../support/run-fixture';
import { fixturePath } from '../support/paths';

/** A child process that opens the spool in `dir` and holds it until killed. */
function holdInChild(dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [fixturePath('spool-open.js'), dir, 'hold'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => (String(d).startsWith('held') ? resolve(child) : reject(new Error(String(d)))));
  });
}

function settings(dir: string, over: Partial<SpoolSettings> = {}): SpoolSettings {
  return { dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 1024 * 1024, chunkChars: 4096, ...over };
}

const line = (i: number): string => `{"level":"info","time":"2026-01-01T00:00:00.000Z","i":${i},"msg":"record"}\n`;

function fill(spool: Spool, from: number, to: number): void {
  for (let i = from; i < to; i++) spool.append(line(i));
  spool.writeOut();
}

/** Reads and commits everything, returning the `i` of each record in order. */
function drain(spool: Spool): number[] {
  const seen: number[] = [];
  for (;;) {
    const batch = spool.read(500, 1 << 20);
    if (batch.records.length === 0) return seen;
    for (const r of batch.records) seen.push((JSON.parse(r.line) as { i: number }).i);
    spool.commit(batch, batch.records.length);
  }
}

const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg'));
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, k) => a + k);

describe('the on-disk spool', () => {
  it('gives back every record in order, without its newline, each with a distinct id', () => {
    const spool = new Spool(settings(tempDir('spool')));
    fill(spool, 0, 3000);
    const batch = spool.read(5000, 1 << 30);
    expect(batch.records.map((r) => r.line)).toEqual(range(0, 3000).map((i) => line(i).slice(0, -1)));
    expect(new Set(batch.records.map((r) => r.id)).size).toBe(3000);
    spool.close();
  });

  it('hands out a record again with the same id until it is committed', () => {
    const spool = new Spool(settings(tempDir('spool')));
    fill(spool, 0, 100);
    const first = spool.read(10, 1 << 20);
    spool.commit(first, 4);
    const again = spool.read(10, 1 << 20);
    expect(again.records[0]).toEqual(first.records[4]);
    expect(again.records.map((r) => r.id).slice(0, 6)).toEqual(first.records.map((r) => r.id).slice(4));
    spool.close();
  });

  it('creates its files readable and writable by the owner only', () => {
    const dir = tempDir('spool');
    const old = process.umask(0);
    try {
      const spool = new Spool(settings(dir));
      fill(spool, 0, 10);
      spool.close();
    } finally {
      process.umask(old);
    }
    for (const f of readdirSync(dir)) expect((statSync(join(dir, f)).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
  });

  it('deletes a segment once every record in it is delivered, and counts the backlog down to zero', () => {
    const dir = tempDir('spool');
    const spool = new Spool(settings(dir, { segmentBytes: 8 * 1024 }));
    fill(spool, 0, 2000);
    expect(segments(dir).length).toBeGreaterThan(5);
    expect(spool.backlogRecords).toBe(2000);
    expect(drain(spool)).toEqual(range(0, 2000));
    expect(spool.backlogRecords).toBe(0);
    expect(segments(dir).length).toBeLessThanOrEqual(1); // only the one still open for appending
    spool.close();
  });

  it('a new process on the same directory resumes after the last delivered record, with the same ids', () => {
    const dir = tempDir('spool');
    const a = new Spool(settings(dir, { segmentBytes: 16 * 1024 }));
    fill(a, 0, 1000);
    const batch = a.read(300, 1 << 20);
    a.commit(batch, 300);
    const nextId = a.read(1, 1 << 20).records[0]?.id;
    a.close();
    const b = new Spool(settings(dir, { segmentBytes: 16 * 1024 }));
    expect(b.backlogRecords).toBe(700);
    expect(b.read(1, 1 << 20).records[0]?.id).toBe(nextId);
    fill(b, 1000, 1100);
    expect(drain(b)).toEqual(range(300, 1100));
    b.close();
  });

  it('skips a torn tail (a block cut short by a crash) and delivers everything before it', () => {
    const dir = tempDir('spool');
    const a = new Spool(settings(dir, { chunkChars: 1 << 20 })); // each fill is one block
    fill(a, 0, 100);
    fill(a, 100, 200);
    a.close();
    const [seg] = segments(dir);
    const path = join(dir, seg as string);
    truncateSync(path, statSync(path).size - 7);
    const errors: string[] = [];
    const b = new Spool(settings(dir), { onError: (err) => errors.push(err.message) });
    expect(drain(b)).toEqual(range(0, 100));
    expect(errors.join()).toMatch(/damaged spool block skipped/);
    b.close();
  });

  it('skips a damaged block in the middle of a segment and goes on with the next one', () => {
    const dir = tempDir('spool');
    const a = new Spool(settings(dir, { chunkChars: 1 << 20 })); // each fill is one block
    fill(a, 0, 50);
    fill(a, 50, 100);
    fill(a, 100, 150);
    a.close();
    const path = join(dir, segments(dir)[0] as string);
    const data = readFileSync(path);
    const secondBlock = data.indexOf('PLS1', 1);
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.from('XX'), 0, 2, secondBlock + HEADER_BYTES + 30); // flip payload bytes: CRC mismatch
    closeSync(fd);
    const b = new Spool(settings(dir), { onError: () => undefined });
    expect(drain(b)).toEqual([...range(0, 50), ...range(100, 150)]);
    b.close();
  });

  it('refuses lines past its byte cap (fits), and has room again once segments are delivered', () => {
    const dir = tempDir('spool');
    const spool = new Spool(settings(dir, { maxBytes: 32 * 1024, segmentBytes: 8 * 1024, chunkChars: 1024 }));
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      if (!spool.fits(line(i).length)) continue;
      spool.append(line(i));
      accepted++;
    }
    spool.writeOut();
    expect(accepted).toBeLessThan(2000);
    expect(spool.bytesOnDisk).toBeLessThanOrEqual(32 * 1024);
    expect(drain(spool)).toHaveLength(accepted);
    expect(spool.fits(line(0).length)).toBe(true);
    spool.close();
  });

  it('one spool, one writer: a second transport of this process is refused', () => {
    const dir = tempDir('spool');
    const a = new Spool(settings(dir));
    expect(() => new Spool(settings(dir))).toThrow(/already used by another transport of this process/);
    a.close();
    new Spool(settings(dir)).close();
  });

  it('a second live process is refused by a kernel lock, named by its pid; once it is killed the lock is free', async () => {
    const dir = tempDir('spool');
    const holder = await holdInChild(dir);
    try {
      expect(() => new Spool(settings(dir))).toThrow(new RegExp(`in use by process ${holder.pid}`));
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.on('exit', resolve));
    }
    const b = new Spool(settings(dir)); // the kernel dropped the dead process's lock
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(String(process.pid));
    b.close();
  });

  it('reads back a segment still being appended to, without taking its end as torn', () => {
    const spool = new Spool(settings(tempDir('spool')));
    const errors: string[] = [];
    fill(spool, 0, 10);
    expect(drain(spool)).toEqual(range(0, 10));
    fill(spool, 10, 20);
    expect(drain(spool)).toEqual(range(10, 20));
    expect(errors).toEqual([]);
    spool.close();
  });

  it('an evicted segment goes once nothing handed out is in flight from it, with its undelivered records counted by level from the start of each line', () => {
    const dir = tempDir('spool');
    const spool = new Spool(settings(dir, { segmentBytes: 4096, chunkChars: 1024 }));
    const tail = (spool as unknown as { tail: SpoolTail }).tail;
    const levels = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
    const levelOf = (i: number): string => (i === 10 ? 'unknown' : levels[i % 5]!);
    for (let i = 0; i < 200; i++) spool.append(i === 10 ? `{"i":10,"msg":"not a prodlog record"}\n` : `{"level":"${levels[i % 5]}","time":"2026-01-01T00:00:00.000Z","i":${i},"msg":"record"}\n`);
    spool.writeOut();
    const [first] = segments(dir).sort();
    spool.commit(spool.read(7, 1 << 20), 7); // 0..6 delivered
    const inFlight = spool.read(5, 1 << 20); // 7..11 handed out, not settled
    const all = spool.read(1_000, 1 << 30).records; // (read afresh: nothing in flight any more)
    const inFirst = all.filter((r) => r.id!.startsWith(first!.slice(0, -4))).length;
    const again = spool.read(5, 1 << 20); // the same 7..11 in flight again
    expect(again.records).toEqual(inFlight.records);

    tail.apply({ type: 'evicted', segment: first!.slice(0, -4) });
    expect(segments(dir)).toContain(first); // a batch in flight was read from it
    expect(tail.takeEvicted()).toEqual({});
    tail.idle(); // the batch settled without the receiver taking it
    expect(segments(dir)).not.toContain(first);
    const expected: Record<string, number> = {};
    for (let i = 7; i < 7 + inFirst; i++) expected[levelOf(i)] = (expected[levelOf(i)] ?? 0) + 1;
    expect(tail.takeEvicted()).toEqual(expected);
    expect(expected['unknown']).toBe(1);
    // Delivery goes on from the next segment, and the backlog counts what is left.
    const rest = drain(spool);
    expect(rest[0]).toBe(7 + inFirst);
    expect(rest).toEqual(range(7 + inFirst, 200));
    expect(spool.backlogRecords).toBe(0);
    spool.close();
  });
});
