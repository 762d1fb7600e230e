import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readRecords, runFixture, tempDir } from '../support/run-fixture';
import { fixturePath } from '../support/paths';

interface RunningFixture {
  /** Resolves when the fixture has printed `text` on a line of its own. */
  waitFor(text: string): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function start(file: string, scenario: string): RunningFixture {
  const child = spawn(process.execPath, [fixturePath('readiness-shutdown.js'), file, scenario], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const check = (): void => {
    for (const w of waiters.splice(0)) {
      if (stdout.split('\n').includes(w.text)) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve });
        check();
        void exited.then((e) => reject(new Error(`fixture exited (${e.code ?? e.signal}) before printing "${text}": ${stderr}`)));
      }),
    kill: (signal) => void child.kill(signal),
    exited,
  };
}

function messages(file: string): string[] {
  return readRecords(file)
    .filter((r) => r['msg'] !== 'record')
    .map((r) => String(r['msg']));
}

function logFile(name: string): string {
  return join(tempDir(`shutdown-${name}`), 'app.log');
}

describe('graceful shutdown, in a real process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s logs shutdown with the signal, runs the hooks in order, keeps every record and exits 0', async (signal) => {
    const file = logFile(signal);
    const service = start(file, 'default');
    await service.waitFor('ready');
    service.kill(signal);
    const { code, signal: killedBy } = await service.exited;
    expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
    const records = readRecords(file);
    expect(records.filter((r) => r['msg'] === 'record')).toHaveLength(1000);
    expect(messages(file)).toEqual(['shutdown', 'hook 1 started', 'hook 1 finished', 'hook 2']);
    expect(records.find((r) => r['msg'] === 'shutdown')).toMatchObject({ level: 'info', signal });
  });

  it('listens to the configured signals only', async () => {
    const file = logFile('sighup');
    const service = start(file, 'sighup');
    await service.waitFor('ready');
    service.kill('SIGHUP');
    expect((await service.exited).code).toBe(0);
    expect(readRecords(file).find((r) => r['msg'] === 'shutdown')).toMatchObject({ signal: 'SIGHUP' });
  });

  it('turned off, a signal is Node\'s own: the process dies by it and no shutdown record is written', async () => {
    const file = logFile('off');
    const service = start(file, 'off');
    await service.waitFor('ready');
    service.kill('SIGTERM');
    expect(await service.exited).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(messages(file)).toEqual([]);
  });

  it('a hook that never finishes is cut off at the deadline: a warning, every record durable, exit code 1', async () => {
    const file = logFile('hang');
    const service = start(file, 'hang');
    await service.waitFor('ready');
    service.kill('SIGTERM');
    const { code, stderr } = await service.exited;
    expect(code).toBe(1);
    expect(stderr).toContain('shutdown did not finish within 300 ms');
    expect(messages(file)).toEqual(['shutdown', 'hook 1 started', 'hook 1 finished', 'hook 2', 'hook waiting', 'shutdown timed out']);
    expect(readRecords(file).filter((r) => r['msg'] === 'record')).toHaveLength(1000);
  });

  it('a second signal exits at once, with 128 + the signal number, after making the records durable', async () => {
    const file = logFile('second');
    const service = start(file, 'second-signal');
    await service.waitFor('ready');
    service.kill('SIGTERM');
    await service.waitFor('hook waiting');
    service.kill('SIGINT');
    expect((await service.exited).code).toBe(130);
    expect(messages(file)).toEqual(['shutdown', 'hook 1 started', 'hook 1 finished', 'hook 2', 'hook waiting']);
  });

  it('an application that listens for the signal itself keeps its own exit; prodlog logs, runs the hooks and flushes', async () => {
    const file = logFile('app');
    const service = start(file, 'app-listener');
    await service.waitFor('ready');
    service.kill('SIGTERM');
    expect((await service.exited).code).toBe(7);
    // prodlog's listener was registered first, so the first hook starts before the application's handler runs.
    expect(messages(file)).toEqual(['shutdown', 'hook 1 started', 'application handler', 'hook 1 finished', 'hook 2', 'application exits']);
  });
});

describe('a shutdown signal during a burst of records, in a real process', () => {
  /**
   * shutdown-burst.js logs 200,000 records in chunks that yield to the event
   * loop and sends itself SIGTERM after record 4,000; the burst goes on until
   * the process exits. It prints how many records it logged.
   */
  it.each(['plain', 'hook', 'slow-close'])(
    '%s: every record logged before the logger closed is in the file, in order; every later one is counted on stderr; exit 0',
    (scenario) => {
      const file = logFile(`burst-${scenario}`);
      const run = runFixture('shutdown-burst.js', [file, '4000', scenario]);
      expect(run.status).toBe(0);
      const logged = Number(/^logged (\d+)$/m.exec(run.stdout)?.[1]);
      const records = readRecords(file);
      const burst = records.filter((r) => r['msg'] === 'record').map((r) => r['i']);
      expect(burst).toEqual(Array.from({ length: burst.length }, (_, i) => i)); // in order, none missing, none twice
      const shutdownAt = records.findIndex((r) => r['msg'] === 'shutdown');
      expect(shutdownAt).toBeGreaterThan(4000); // after every record logged before the signal was sent
      const dropped = logged - burst.length;
      if (dropped === 0) expect(run.stderr).toBe('');
      else expect(run.stderr).toBe(`prodlog: ${dropped} records were logged to "burst" after close() and dropped\n`);
      // hook: the hooks take 20 turns, the burst goes on meanwhile and those records are kept.
      if (scenario === 'hook') expect(records.length - 1 - shutdownAt).toBeGreaterThan(0);
      // slow-close: a transport takes 50 turns to close; what the burst logs meanwhile cannot be written.
      if (scenario === 'slow-close') expect(dropped).toBeGreaterThan(0);
    },
  );
});
