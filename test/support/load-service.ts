import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { TransportHealth } from '../../src/core/transport';
import { fixturePath } from './paths';

/** One step of test/fixtures/reliability-load.js (its header documents each). */
export type LoadStep =
  | { readonly log: LogStep }
  | { readonly health: true }
  | { readonly stdin: true }
  | { readonly drain: number }
  | { readonly failing: number }
  | { readonly delivering: number }
  | { readonly close: true }
  | { readonly fatal: true };

export interface LogStep {
  readonly from?: number;
  /** null: until the process is killed. */
  readonly records: number | null;
  readonly perTick?: number;
  readonly tickMs?: number;
  readonly syncEvery?: number;
  readonly reportBursts?: boolean;
  readonly pad?: number;
}

export interface LoadPlan {
  readonly logger: Readonly<Record<string, unknown>>;
  readonly umask?: number;
  readonly steps: readonly LoadStep[];
}

export interface LogSummary {
  readonly step: 'log';
  readonly logged: number;
  readonly ms: number;
  /** µs per logging call: medians over the first and last fifth of the bursts, and p99 and max over all. */
  readonly callUs: { readonly first: number; readonly last: number; readonly p99: number; readonly max: number };
  readonly heapGrowth: number | null;
  readonly peakRss: number;
}

export interface HealthEvent {
  readonly health: TransportHealth[];
  readonly fds: number;
}

export interface DoneEvent extends HealthEvent {
  readonly done: true;
  readonly peakRss: number;
}

type Event = Record<string, unknown>;

export interface LoadServiceOptions {
  /** Run with --expose-gc, so the fixture can measure the heap after a collection. */
  readonly gc?: boolean;
  readonly env?: Record<string, string>;
  /**
   * The service's stdout: ignored (default), collected in `stdout`, a pipe
   * whose reader is gone before the first write ('closed'), or the stdin of
   * another process (a pipeline).
   */
  readonly stdout?: 'ignore' | 'collect' | 'closed' | Writable;
}

/**
 * The load fixture running in its own process, its reports (on file
 * descriptor 3) parsed as they arrive. The test keeps its event loop free
 * meanwhile, so it can stop and start receivers while the service logs.
 */
export class LoadService {
  readonly events: Event[] = [];
  stderr = '';
  stdout = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private partial = '';
  private ended = false;
  private readonly listeners = new Set<() => void>();

  constructor(plan: LoadPlan, options: LoadServiceOptions = {}) {
    const args = [...(options.gc ? ['--expose-gc'] : []), fixturePath('reliability-load.js'), JSON.stringify(plan)];
    const stdout = options.stdout ?? 'ignore';
    const stdio: StdioOptions = ['pipe', typeof stdout === 'string' ? (stdout === 'ignore' ? 'ignore' : 'pipe') : stdout, 'pipe', 'pipe'];
    this.child = spawn(process.execPath, args, { stdio, env: { ...process.env, ...options.env } });
    if (stdout === 'closed') this.child.stdout!.destroy();
    if (stdout === 'collect') this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    (this.child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => this.parse(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // 'close', not 'exit': by then every report the process wrote has been read.
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => {
      this.ended = true;
      this.notify();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The n-th event (0-based; already received or still to come) that `accept` takes; fails if the process ends first. */
  waitFor<T extends Event>(accept: (event: Event) => boolean, n = 0, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no expected report from the service in ${timeoutMs} ms; stderr: ${this.stderr.slice(-2_000)}`)), timeoutMs);
      const check = (): void => {
        const found = this.events.filter(accept)[n];
        if (found) finish(null, found as T);
        else if (this.ended) {
          finish(new Error(`the service ended (${this.child.exitCode ?? this.child.signalCode}) without the expected report; stderr: ${this.stderr.slice(-2_000)}`));
        }
      };
      const finish = (err: Error | null, event?: T): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (err) reject(err);
        else resolve(event as T);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** The summary of the n-th log step. */
  logSummary(n = 0): Promise<LogSummary> {
    return this.waitFor<LogSummary & Event>((e) => e['step'] === 'log', n);
  }

  /** The n-th health report (of a `health` or `failing` step). */
  health(n = 0): Promise<HealthEvent> {
    return this.waitFor<HealthEvent & Event>((e) => 'health' in e && !('done' in e), n);
  }

  done(timeoutMs?: number): Promise<DoneEvent> {
    return this.waitFor<DoneEvent & Event>((e) => e['done'] === true, 0, timeoutMs);
  }

  /** The last value of a numeric report such as "logged" or "synced", or -1. */
  last(key: 'logged' | 'synced'): number {
    for (let k = this.events.length - 1; k >= 0; k--) {
      const v = this.events[k]?.[key];
      if (typeof v === 'number') return v;
    }
    return -1;
  }

  /** Lets a service waiting in a `stdin` step go on. */
  proceed(): void {
    this.child.stdin!.write('go\n');
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }

  private parse(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line !== '') this.events.push(JSON.parse(line) as Event);
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}
