import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TransportHealth } from '../../src/transport';

/** One step of test/fixtures/reliability-load.js (its header documents each). */
export type LoadStep =
  | { readonly log: LogStep }
  | { readonly health: true }
  | { readonly stdin: true }
  | { readonly drain: number }
  | { readonly failing: number }
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

/**
 * The load fixture running in its own process, its reports parsed as they
 * arrive. The test keeps its event loop free meanwhile, so it can stop and
 * start receivers while the service logs.
 */
export class LoadService {
  readonly events: Event[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private partial = '';
  private readonly listeners = new Set<() => void>();

  constructor(plan: LoadPlan, options: { readonly gc?: boolean; readonly env?: Record<string, string> } = {}) {
    const args = [...(options.gc ? ['--expose-gc'] : []), join(__dirname, '..', 'fixtures', 'reliability-load.js'), JSON.stringify(plan)];
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    this.child.stdout!.on('data', (chunk: Buffer) => this.parse(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => this.notify());
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The first event (already received or still to come) that `accept` takes; fails if the process ends first. */
  waitFor<T extends Event>(accept: (event: Event) => boolean, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      let ended = false;
      void this.exited.then(() => (ended = true));
      const timer = setTimeout(() => finish(new Error(`no expected report from the service in ${timeoutMs} ms; stderr: ${this.stderr.slice(-2_000)}`)), timeoutMs);
      const check = (): void => {
        const found = this.events.find(accept);
        if (found) finish(null, found as T);
        else if (ended || this.child.exitCode !== null || this.child.signalCode !== null) {
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

  /** The summary of the n-th log step (0-based). */
  logSummary(n = 0): Promise<LogSummary> {
    let seen = -1;
    return this.waitFor<LogSummary & Event>((e) => e['step'] === 'log' && ++seen === n);
  }

  health(n = 0): Promise<HealthEvent> {
    let seen = -1;
    return this.waitFor<HealthEvent & Event>((e) => 'health' in e && !('done' in e) && ++seen === n);
  }

  done(timeoutMs?: number): Promise<DoneEvent> {
    return this.waitFor<DoneEvent & Event>((e) => e['done'] === true, timeoutMs);
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
