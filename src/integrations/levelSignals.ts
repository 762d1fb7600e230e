/**
 * Signals that may toggle debug (`levelSignal`). SIGUSR1 is left out: Node
 * starts its inspector on it.
 */
export const LEVEL_SIGNALS = ['SIGUSR2', 'SIGHUP', 'SIGWINCH'] as const;
export type LevelSignal = (typeof LEVEL_SIGNALS)[number];
