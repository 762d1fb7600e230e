import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, type Transport } from '../../src';
import { CLOSE_GRACE_MS } from '../../src/core/LoggerCore';
import { CoalescedRun } from '../../src/core/CoalescedRun';
import { MemoryTransport } from '../../src/testing';
import { ExitCalled, memoryLogger } from '../support/memory-logger';
import { tempDir } from '../support/run-fixture';

/** A memory transport whose flush and close wait until released. */
class GatedTransport extends MemoryTransport {
  flushCalls = 0;
  closeCalls = 0;
  private releases: Array<() => void> = [];

  override flush(): Promise<void> {
    this.flushCalls++;
    return new Promise((resolve) => this.releases.push(resolve));
  }

  override close(): Promise<void> {
    this.closeCalls++;
    return new Promise(() => undefined); // never settles: close() must still be bounded
  }

  release(): void {
    const pending = this.releases;
    this.releases = [];
    for (const r of pending) r();
  }
}

function gatedLogger(closeTimeoutMs = 5_000): { log: ReturnType<typeof createLogger>; gated: GatedTransport } {
  const gated = new GatedTransport();
  const log = createLogger({ capture: false, closeTimeout: `${closeTimeoutMs}ms`, transports: [{ type: 'custom', transport: gated as Transport }] });
  return { log, gated };
}

describe('flush', () => {
  it('resolves with every earlier record in the file', async () => {
    const file = join(tempDir('flush'), 'app.log');
    const log = createLogger({ capture: false, transports: [{ type: 'file', path: file }] });
    for (let i = 0; i < 10; i++) log.info('r', { i });
    await log.flush();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(10);
    await log.close();
  });

  it('concurrent callers with nothing logged in between share one flush', async () => {
    const { log, gated } = gatedLogger();
    log.info('a');
    const first = log.flush();
    const second = log.flush();
    expect(gated.flushCalls).toBe(1);
    gated.release();
    await Promise.all([first, second]);
  });

  it('a caller who logged after a flush started gets a flush that covers its record', async () => {
    const { log, gated } = gatedLogger();
    log.info('a');
    const first = log.flush();
    log.info('b');
    let secondDone = false;
    const second = log.flush().then(() => (secondDone = true));
    const third = log.flush(); // joins the queued flush
    gated.release();
    await first;
    expect(secondDone).toBe(false); // must not ride on the flush that started before 'b'
    expect(gated.flushCalls).toBe(2);
    gated.release();
    await Promise.all([second, third]);
    expect(gated.flushCalls).toBe(2);
  });
});

describe('CoalescedRun', () => {
  it('runs one flush per batch of writes', async () => {
    let runs = 0;
    const shared = new CoalescedRun(async () => void runs++);
    await Promise.all([shared.cover(1), shared.cover(1)]);
    await shared.cover(1);
    await Promise.all([shared.cover(2), shared.cover(3)]);
    expect(runs).toBe(3);
  });

  it('runs once more after requests made while it ran, not once per request, and never overlaps', async () => {
    let runs = 0;
    let running = 0;
    let maxRunning = 0;
    let release!: () => void;
    const job = new CoalescedRun(async () => {
      runs++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (runs === 1) await new Promise<void>((r) => (release = r));
      running--;
    });
    job.request();
    expect(job.busy).toBe(true);
    job.request();
    job.request();
    job.request();
    release();
    await job.idle();
    expect({ runs, maxRunning, busy: job.busy }).toEqual({ runs: 2, maxRunning: 1, busy: false });
  });
});

describe('close', () => {
  it('runs once and returns the same promise to every caller', async () => {
    const { log, gated } = gatedLogger(10);
    const a = log.close();
    const b = log.close();
    expect(a).toBe(b);
    gated.release();
    await a;
    expect(gated.closeCalls).toBe(1);
  });

  it('is bounded by closeTimeout (plus a short grace) even if a transport never finishes', async () => {
    jest.useFakeTimers();
    try {
      const { log, gated } = gatedLogger(2_000);
      let done = false;
      const closing = log.close().then(() => (done = true));
      gated.release();
      await jest.advanceTimersByTimeAsync(1_999 + CLOSE_GRACE_MS);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await closing;
      expect(done).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps records logged while close() is still flushing, before the transports close', async () => {
    const { log, gated } = gatedLogger(10);
    log.info('before');
    const closing = log.close();
    log.info('while flushing');
    gated.release();
    await closing;
    expect(gated.records.map((r) => r.msg)).toEqual(['before', 'while flushing']);
    expect(log.health().droppedAfterClose).toBe(0);
  });

  it('drops and counts records logged after close, without throwing', async () => {
    const { log, memory } = memoryLogger();
    log.info('before');
    await log.close();
    expect(() => log.info('after')).not.toThrow();
    expect(() => log.child({ a: 1 }).error(new Error('after'))).not.toThrow();
    expect(memory.records.map((r) => r.msg)).toEqual(['before']);
    expect(log.health().droppedAfterClose).toBe(2);
  });
});

describe('fatal with a replaced exit function', () => {
  it('writes the record, flushes every transport synchronously and exits with the configured code', () => {
    const memory = new MemoryTransport();
    let flushedSync = 0;
    memory.flushSync = () => void flushedSync++;
    const log = createLogger({
      capture: false,
      fatal: { exitCode: 3 },
      transports: [{ type: 'custom', transport: memory }],
      exit: (code) => {
        throw new ExitCalled(code);
      },
    });
    expect(() => log.fatal('needs 32 GB, has 16', { needed: '32G', found: '16G' })).toThrow(new ExitCalled(3));
    expect(memory.records.at(-1)).toMatchObject({ level: 'fatal', msg: 'needs 32 GB, has 16', needed: '32G' });
    expect(flushedSync).toBeGreaterThanOrEqual(1);
  });

  it('exits even when the fatal record is filtered out', () => {
    const { log, memory } = memoryLogger({ level: 'silent' });
    expect(() => log.fatal(new Error('boom'))).toThrow(ExitCalled);
    expect(memory.lines).toHaveLength(0);
  });

  it('never returns, even if the exit function does', () => {
    const memory = new MemoryTransport();
    const log = createLogger({ capture: false, transports: [{ type: 'custom', transport: memory }], exit: (() => undefined) as unknown as (code: number) => never });
    expect(() => log.fatal('x')).toThrow('prodlog: the exit function returned after fatal()');
  });
});

/** A memory transport that logs through `log` from inside its own write, as a misbehaving transport might. */
class LoggingTransport extends MemoryTransport {
  log: ReturnType<typeof createLogger> | undefined;
  constructor(private readonly onWrite: (line: string, log: ReturnType<typeof createLogger>) => void) {
    super('logging');
  }
  override write(line: string): void {
    super.write(line);
    if (this.log) this.onWrite(line, this.log);
  }
}

describe('records logged by a transport from inside its write()', () => {
  it('reach every transport after the record being written, in the same order everywhere', () => {
    const logging = new LoggingTransport((line, log) => {
      if (line.includes('"outer"')) log.warn('nested');
    });
    const after = new MemoryTransport('after');
    const log = createLogger({ capture: false, shutdown: false, transports: [{ type: 'custom', transport: logging }, { type: 'custom', transport: after }] });
    logging.log = log;
    log.info('outer');
    log.info('next');
    expect(logging.records.map((r) => r.msg)).toEqual(['outer', 'nested', 'next']);
    expect(after.records.map((r) => r.msg)).toEqual(['outer', 'nested', 'next']);
  });

  it('cannot loop for ever: a transport that logs on every write is cut off, counted, and logging returns', () => {
    const logging = new LoggingTransport((_line, log) => log.info('again'));
    const log = createLogger({ capture: false, shutdown: false, transports: [{ type: 'custom', transport: logging }] });
    logging.log = log;
    log.info('first');
    expect(logging.lines.length).toBeGreaterThan(1);
    expect(logging.lines.length).toBeLessThan(10_000);
    expect(log.health().internalErrors).toBeGreaterThan(0);
    logging.log = undefined;
    log.info('later');
    expect(logging.records.at(-1)?.msg).toBe('later');
  });
});
