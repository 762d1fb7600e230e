import type { Logger } from '../../core/Logger';
import { StructuredLogger } from '../../core/StructuredLogger';
import type { LevelSignal } from '../levelSignals';

/**
 * On `signal`, debug for the whole tree of `log` for `ttlMs`; the next
 * signal while it is on restores the level before it. Each change is logged
 * (`level changed` with source "signal", `level restored`). Returns the
 * function that removes the listener.
 */
export function installLevelSignal(log: Logger, signal: LevelSignal, ttlMs: number): () => void {
  const levels = StructuredLogger.levelStateOf(log);
  if (levels === undefined) return () => undefined;
  const onSignal = (): void => levels.toggleDebug(ttlMs, 'signal');
  process.on(signal, onSignal);
  return () => process.off(signal, onSignal);
}
