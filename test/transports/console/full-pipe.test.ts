import { ConsoleSink, EXIT_BUDGET_MS, TICK_BUDGET_MS, type SinkIo, type WhenFull } from '../../../transports/console/ConsoleSink';
import { HealthCounters } from '../../../transports/shared/HealthCounters';

const errno = (code: string): Error => Object.assign(new Error(`${code}: fake, write`), { code });

/** A pipe with room for `room` bytes, read by the test; a full one answers EAGAIN like a non-blocking pipe. */
class FakePipe {
  private taken: Buffer[] = [];
  closed = false;
  constructor(public room: number) {}

  write = (_fd: number, buf: Buffer, offset: number, length: number): number => {
    if (this.closed) throw errno('EPIPE');
    const n = Math.min(length, this.room);
    if (n === 0) throw errno('EAGAIN');
    this.taken.push(Buffer.from(buf.subarray(offset, offset + n)));
    this.room -= n;
    return n;
  };

  /** What the reader gets now; reading makes that much room. */
  read(): string {
    const text = Buffer.concat(this.taken).toString('utf8');
    this.taken = [];
    this.room += Buffer.byteLength(text);
    return text;
  }
}

/** A fake clock: sleeping moves it on; the test ends event-loop turns itself. */
class FakeTurns {
  ms = 0;
  onSleep: (() => void) | undefined;
  private readonly turnEnds: (() => void)[] = [];

  io(pipe: FakePipe): SinkIo {
    return {
      write: pipe.write,
      now: () => this.ms,
      sleep: (ms) => {
        this.ms += ms;
        this.onSleep?.();
      },
      afterTurn: (fn) => this.turnEnds.push(fn),
    };
  }

  endTurn(): void {
    for (const fn of this.turnEnds.splice(0)) fn();
  }
}

function setup(whenFull: WhenFull, room: number) {
  const pipe = new FakePipe(room);
  const turns = new FakeTurns();
  const notices: string[] = [];
  const counters = new HealthCounters('console', 'console:stdout', (t) => notices.push(t));
  const sink = new ConsoleSink(1, 'stdout', counters, whenFull, turns.io(pipe), (t) => notices.push(t));
  return { pipe, turns, notices, counters, sink };
}

/** `n` JSON lines of 40 bytes, numbered from `from`. */
const lines = (from: number, n: number): string =>
  Array.from({ length: n }, (_, k) => `{"i":${String(from + k).padStart(4, '0')},"pad":"${'x'.repeat(20)}"}\n`).join('');

describe('the console sink when the reader of stdout does not keep up', () => {
  it('drop: a turn waits at most TICK_BUDGET_MS in all, then whole chunks are dropped, counted and reported once; the next turn may wait again', () => {
    const { turns, notices, counters, sink } = setup('drop', 0);
    sink.write(lines(0, 3), 3);
    expect(turns.ms).toBe(TICK_BUDGET_MS);
    sink.write(lines(3, 3), 3); // same turn: the budget is spent, no more waiting
    expect(turns.ms).toBe(TICK_BUDGET_MS);
    expect(counters.snapshot()).toMatchObject({ ok: false, written: 0, dropped: 6, failed: 0, lastError: expect.stringMatching(/^EAGAIN: the reader of stdout is not keeping up/) });
    turns.endTurn();
    sink.write(lines(6, 3), 3);
    expect(turns.ms).toBe(2 * TICK_BUDGET_MS);
    expect(counters.dropped).toBe(9);
    expect(notices).toEqual([expect.stringMatching(/^prodlog: console:stdout: the reader of stdout is not keeping up: 3 records dropped rather than blocking the service \(further drops are counted in health\(\)\.dropped, not printed; whenFull: "block" waits instead\)\n$/)]);
  });

  it('a chunk the pipe took in part is finished before anything else, so the reader never gets a torn record; its records count as written once all of it is out', () => {
    const { pipe, turns, counters, sink } = setup('drop', 50);
    sink.write(lines(0, 3), 3); // 120 bytes: the pipe takes 50
    expect(counters.snapshot()).toMatchObject({ written: 0, dropped: 0 });
    sink.write(lines(3, 2), 2); // still full, budget spent: dropped, and nothing of it written
    expect(counters.dropped).toBe(2);
    let got = pipe.read();
    pipe.room = 1000; // the reader caught up
    turns.endTurn();
    sink.write(lines(5, 1), 1); // the rest of the first chunk goes first, then this one
    got += pipe.read();
    expect(got).toBe(lines(0, 3) + lines(5, 1));
    expect(counters.snapshot()).toMatchObject({ ok: true, written: 4, dropped: 2 });
  });

  it('flush finishes what is owed within the budget of the turn, without a new chunk', () => {
    const { pipe, turns, counters, sink } = setup('drop', 50);
    sink.write(lines(0, 3), 3);
    pipe.read();
    pipe.room = 1000;
    turns.endTurn();
    expect(sink.finishOwed()).toBe(true);
    expect(counters.written).toBe(3);
  });

  it('at close or exit the last records may wait EXIT_BUDGET_MS; what the reader then still has not taken is dropped, the lines it took whole are written', () => {
    const { pipe, turns, counters, sink } = setup('drop', 50);
    sink.write(lines(0, 3), 3); // 50 bytes out: one whole line, one cut short
    let pending = lines(3, 2);
    sink.last(() => {
      sink.write(pending, 2);
      pending = '';
    });
    expect(turns.ms).toBe(TICK_BUDGET_MS + EXIT_BUDGET_MS);
    expect(counters.snapshot()).toMatchObject({ written: 1, dropped: 4 });
    expect(pipe.read()).toBe(lines(0, 3).slice(0, 50));
  });

  it('at exit a reader that catches up within EXIT_BUDGET_MS gets everything', () => {
    const { pipe, turns, counters, sink } = setup('drop', 0);
    turns.onSleep = () => {
      if (turns.ms === 500) pipe.room = 1000;
    };
    sink.last(() => sink.write(lines(0, 3), 3));
    expect(counters.snapshot()).toMatchObject({ written: 3, dropped: 0 });
    expect(pipe.read()).toBe(lines(0, 3));
  });

  it('block: waits as long as the reader needs and drops nothing', () => {
    const { pipe, turns, counters, sink, notices } = setup('block', 0);
    turns.onSleep = () => {
      if (turns.ms === 20 * TICK_BUDGET_MS) pipe.room = 1000;
    };
    sink.write(lines(0, 3), 3);
    expect(turns.ms).toBe(20 * TICK_BUDGET_MS);
    expect(counters.snapshot()).toMatchObject({ ok: true, written: 3, dropped: 0 });
    expect(notices).toEqual([]);
  });

  it('a closed pipe (EPIPE) is a failure, counted as failed and not as dropped, and never waited on', () => {
    const { pipe, turns, counters, sink } = setup('drop', 0);
    pipe.closed = true;
    sink.write(lines(0, 3), 3);
    expect(turns.ms).toBe(0);
    expect(counters.snapshot()).toMatchObject({ written: 0, failed: 3, dropped: 0, lastError: expect.stringMatching(/^EPIPE/) });
  });
});
