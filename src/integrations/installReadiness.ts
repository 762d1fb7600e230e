import { dirname, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/schema';
import type { Logger } from '../core/Logger';
import type { LoggerCore } from '../core/LoggerCore';
import { forwardProcessWarnings } from './process/processWarnings';
import { joinShutdown } from './process/shutdown';
import { logStartup } from './startupRecord';
import { Watchdog } from './process/Watchdog';

/**
 * Turns on, for a new root logger, the readiness features its configuration
 * asks for: the startup record, process warnings, graceful shutdown and the
 * watchdog. Each process-wide part lets go of the logger when it closes or
 * exits.
 */
export function installReadiness(core: LoggerCore, log: Logger, config: ResolvedConfig): void {
  if (config.startup) logStartup(log, config);
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
  if (config.watchdog.enabled) {
    const { enabled: _enabled, ...settings } = config.watchdog;
    const watchdog = new Watchdog(log, { ...settings, logFolder: logFolder(config) }).start();
    core.onDetach(() => watchdog.stop());
  }
}

/** The folder of the first file transport, else the working directory. */
function logFolder(config: ResolvedConfig): string {
  for (const t of config.transports) {
    const path = (t as { type: string; path?: unknown }).path;
    if (t.type === 'file' && typeof path === 'string') return dirname(resolve(path));
  }
  return process.cwd();
}
