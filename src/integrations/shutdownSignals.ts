/** Signals a service may ask prodlog to shut down on; SIGKILL and SIGSTOP cannot be caught at all. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];
