/** Signals a plain file transport may reopen on. SIGUSR1 is Node's debugger signal; SIGTERM and SIGINT mean stop. */
export const REOPEN_SIGNALS = ['SIGHUP', 'SIGUSR2'] as const;
export type ReopenSignal = (typeof REOPEN_SIGNALS)[number];

interface SignalListeners {
  readonly listener: () => void;
  readonly reopeners: Set<() => void>;
}

const bySignal = new Map<ReopenSignal, SignalListeners>();

/**
 * Calls `reopen` when the process receives `signal`, the way logrotate's
 * postrotate `kill -HUP` expects. One process listener per signal serves
 * every file transport; it is removed with the last of them, so a process
 * with no open file transport gets Node's default (SIGHUP ends it).
 * Returns the function that unsubscribes.
 */
export function onReopenSignal(signal: ReopenSignal, reopen: () => void): () => void {
  let entry = bySignal.get(signal);
  if (!entry) {
    const reopeners = new Set<() => void>();
    const listener = (): void => {
      for (const r of reopeners) r();
    };
    entry = { listener, reopeners };
    bySignal.set(signal, entry);
    process.on(signal, listener);
  }
  const current = entry;
  current.reopeners.add(reopen);
  return () => {
    current.reopeners.delete(reopen);
    if (current.reopeners.size === 0 && bySignal.get(signal) === current) {
      process.off(signal, current.listener);
      bySignal.delete(signal);
    }
  };
}
