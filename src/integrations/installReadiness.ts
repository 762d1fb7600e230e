import { dirname, resolve } from 'node:path';
import type { Logger } from '../core/Logger';
import { forwardProcessWarnings } from './process/processWarnings';
import { joinShutdown } from './process/shutdown';
import { installLevelSignal } from './process/levelSignal';
import { Watchdog } from './process/Watchdog';
import type { ReadinessConfig } from './readinessOptions';
import { logDeprecatedSpellings, logStartup, type ConfigOrigin, type StartupConfig } from './startupRecord';

/** What the readiness features need of the logger's core (LoggerCore). */
export interface ReadinessHost {
  /** Runs `listener` once the logger closes, or the process exits through FATAL or a crash. */
  onDetach(listener: () => void): void;
  flushSync(): void;
  close(): Promise<void>;
  exit(code: number): void;
}

/**
 * Turns on, for a new root logger, the readiness features its configuration
 * asks for: the startup record (and, always, a warning per deprecated
 * spelling in the configuration), process warnings, graceful shutdown and the
 * watchdog. Each process-wide part lets go of the logger when it closes or
 * exits.
 */
export function installReadiness(core: ReadinessHost, log: Logger, config: ReadinessConfig & StartupConfig, origin?: ConfigOrigin): void {
  if (config.startup) logStartup(log, config, origin);
  logDeprecatedSpellings(log, config);
  if (config.warnings) core.onDetach(forwardProcessWarnings(log));
  if (config.shutdown.enabled) {
    core.onDetach(
      joinShutdown({
        log,
        signals: config.shutdown.signals,
        timeoutMs: config.shutdown.timeoutMs,
        flushSync: () => core.flushSync(),
        close: () => core.close(),
        exit: (code) => core.exit(code),
      }),
    );
  }
  if (config.levelSignal.enabled) {
    const { signal, ttlMs } = config.levelSignal;
    core.onDetach(installLevelSignal(log, signal, ttlMs));
  }
  if (config.watchdog.enabled) {
    const { enabled: _enabled, ...settings } = config.watchdog;
    const watchdog = new Watchdog(log, { ...settings, logFolder: logFolder(config) }).start();
    core.onDetach(() => watchdog.stop());
  }
}

/** The folder of the first file transport, else the working directory. */
function logFolder(config: StartupConfig): string {
  for (const t of config.transports) {
    const { type, path } = t as { type?: unknown; path?: unknown };
    if (type === 'file' && typeof path === 'string') return dirname(resolve(path));
  }
  return process.cwd();
}
