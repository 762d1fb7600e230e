import { constants } from 'node:os';
import type { Logger } from '../../core/Logger';
import { writeStderr } from '../../core/writeStderr';

/** What a logger with graceful shutdown on gives the process-wide signal handling. */
export interface ShutdownParticipant {
  /** Writes the `shutdown` record. */
  readonly log: Logger;
  readonly signals: readonly NodeJS.Signals[];
  readonly timeoutMs: number;
  flushSync(): void;
  close(): Promise<void>;
  exit(code: number): void;
}

/** A shutdown hook of the application: close the server, finish jobs, disconnect. */
export type ShutdownHook = () => unknown;

interface ShutdownState {
  readonly participants: Set<ShutdownParticipant>;
  readonly hooks: ShutdownHook[];
  readonly listeners: Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>;
  /** The participants of the shutdown in progress, kept until the process exits. */
  running: readonly ShutdownParticipant[] | undefined;
}

// Shared through the process object, like the crash listeners, so that two
// copies of prodlog in one process still install one listener per signal.
const STATE_KEY = Symbol.for('prodlog.shutdown');

function state(): ShutdownState {
  const holder = process as unknown as Record<symbol, ShutdownState | undefined>;
  holder[STATE_KEY] ??= { participants: new Set(), hooks: [], listeners: new Map(), running: undefined };
  return holder[STATE_KEY];
}

/**
 * Registers a shutdown hook of the application. On a shutdown signal, hooks
 * run one after another in the order they were registered, before prodlog
 * flushes and closes its transports, so whatever they log is kept. A hook
 * that throws or rejects is logged at error and the shutdown goes on. Returns
 * a function that removes the hook.
 */
export function onShutdown(hook: ShutdownHook): () => void {
  const hooks = state().hooks;
  hooks.push(hook);
  return () => {
    const i = hooks.indexOf(hook);
    if (i >= 0) hooks.splice(i, 1);
  };
}

/** Takes part in graceful shutdown until the returned function is called (on close or FATAL). */
export function joinShutdown(participant: ShutdownParticipant): () => void {
  const s = state();
  s.participants.add(participant);
  syncListeners(s);
  return () => {
    s.participants.delete(participant);
    // During a shutdown the listeners stay: a second signal must still exit at once.
    if (!s.running) syncListeners(s);
  };
}

/** One listener per signal any participant asked for; none once no participant is left, so Node's default returns. */
function syncListeners(s: ShutdownState): void {
  const wanted = new Set<NodeJS.Signals>();
  for (const p of s.participants) for (const signal of p.signals) wanted.add(signal);
  for (const [signal, listener] of s.listeners) {
    if (wanted.has(signal)) continue;
    process.off(signal, listener);
    s.listeners.delete(signal);
  }
  for (const signal of wanted) {
    if (s.listeners.has(signal)) continue;
    const listener = (received: NodeJS.Signals): void => onSignal(s, received);
    s.listeners.set(signal, listener);
    process.on(signal, listener);
  }
}

function onSignal(s: ShutdownState, signal: NodeJS.Signals): void {
  if (s.running) {
    exitAtOnce(s.running, signal);
    return;
  }
  const participants = [...s.participants];
  s.running = participants;
  for (const p of participants) p.log.info('shutdown', { signal });
  // An application that listens for the signal itself has its own way out:
  // prodlog then flushes but neither closes the loggers nor exits.
  const applicationExits = process.listenerCount(signal) > 1;
  // Only an exit function replaced by a test can throw here; it must not become an unhandled rejection.
  shutDown(s, participants, applicationExits).catch(() => undefined);
}

async function shutDown(s: ShutdownState, participants: readonly ShutdownParticipant[], applicationExits: boolean): Promise<void> {
  const first = participants[0];
  if (!first) return;
  const timeoutMs = Math.max(...participants.map((p) => p.timeoutMs));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    // Not unref'd: a hook waiting on a promise that nothing will settle must
    // still end in this process's exit, with the timeout reported, rather
    // than in Node quietly exiting 0 mid-shutdown.
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const work = (async (): Promise<'done'> => {
    await runHooks(s.hooks.slice(), first.log);
    if (applicationExits) await Promise.all(participants.map((p) => p.log.flush()));
    else await Promise.all(participants.map((p) => p.close()));
    return 'done';
  })();
  const outcome = await Promise.race([work, deadline]);
  clearTimeout(timer);
  // Still running: a second signal exits at once, whoever owns the exit.
  if (applicationExits && outcome === 'done') return;
  if (outcome === 'timeout') {
    // A logger whose close() got as far as closing its transports drops this record, so say it on stderr as well.
    for (const p of participants) p.log.warn('shutdown timed out', { timeoutMs });
    writeStderr(`prodlog: shutdown did not finish within ${timeoutMs} ms; exiting with code 1\n`);
    for (const p of participants) p.flushSync();
  }
  first.exit(outcome === 'done' ? 0 : 1);
}

async function runHooks(hooks: readonly ShutdownHook[], log: Logger): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch (err) {
      log.error('shutdown hook failed', { err, hook: hook.name || 'anonymous' });
    }
  }
}

/** A second signal: the operator does not want to wait. Everything written so far is made durable first. */
function exitAtOnce(participants: readonly ShutdownParticipant[], signal: NodeJS.Signals): void {
  for (const p of participants) p.flushSync();
  const code = 128 + (constants.signals[signal] ?? 0);
  participants[0]?.exit(code);
}
