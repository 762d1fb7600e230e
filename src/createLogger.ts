import { resolve } from 'node:path';
import pino from 'pino';
import { resolveConfig, loadConfig, type Environment } from './config/loadConfig';
import type { LoggerConfig, ResolvedConfig } from './config/schema';
import { REPLAY_DEFAULTS } from './core/context/HeldRecords';
import { defaultFatalMarkerPath } from './core/fatalMarker';
import { Fanout, type FanoutEntry } from './core/Fanout';
import { createIsoTime } from './core/isoTime';
import { LEVELS, levelValue, settingAtLeast } from './core/levels';
import type { EventMap, Logger, NoEvents } from './core/Logger';
import { LoggerCore, type ExitFunction } from './core/LoggerCore';
import type { ReplaySettings } from './core/StructuredLogger';
import { recordNow } from './core/recordClock';
import { ERROR_KEY, levelField, MESSAGE_KEY } from './core/record';
import { Sanitizer } from './core/serialize/Sanitizer';
import { SecretKeyMatcher } from './core/serialize/secretKeys';
import { installReadiness } from './integrations/installReadiness';
import { packageName } from './integrations/packageInfo';
import { runSchedule, runTask } from './integrations/task';
import { traceCorrelation } from './integrations/traceCorrelation';

export interface LoggerOptions extends LoggerConfig {
  /** Replaces process.exit for FATAL and crashes; tests use it. It must not return normally. */
  readonly exit?: ExitFunction;
}

/**
 * Creates a logger from options, or, with no argument, from the config file
 * ($PRODLOG_CONFIG or ./prodlog.config.json) with environment overrides.
 * Throws ConfigError at once for a configuration that cannot work; after
 * that, nothing the logger does throws at the caller.
 *
 * `Events` (optional, types only) maps event names to their fields and
 * types `log.event(name, fields)`: `createLogger<ShopEvents>()`.
 */
export function createLogger<Events extends EventMap<Events> = NoEvents>(options?: LoggerOptions): Logger<Events> {
  if (options === undefined) return loggerFromConfig<Events>(loadConfig(), defaultExit);
  return createLoggerWithEnv<Events>(options, process.env);
}

/** createLogger(options) with the environment overrides read from `env` instead of process.env. */
export function createLoggerWithEnv<Events extends EventMap<Events> = NoEvents>(options: LoggerOptions, env: Environment): Logger<Events> {
  const { exit, ...rest } = options;
  return loggerFromConfig<Events>(resolveConfig(rest, 'options', env), exit ?? defaultExit);
}

function defaultExit(code: number): never {
  return process.exit(code);
}

function loggerFromConfig<Events extends EventMap<Events> = NoEvents>(config: ResolvedConfig, exit: ExitFunction): Logger<Events> {
  const name = config.name ?? packageName() ?? 'app';
  const entries = createEntries(config, name);
  try {
    return assemble<Events>(config, exit, name, entries, fatalMarkerOf(config, name, exit));
  } catch (err) {
    closeAll(entries);
    throw err;
  }
}

/**
 * Creates the transports in order. When one throws (a file in use, a CA file
 * that cannot be read), those already created are closed before the error
 * goes on, so a failed start leaves no file open and no lock held.
 */
function createEntries(config: ResolvedConfig, loggerName: string): FanoutEntry[] {
  const entries: FanoutEntry[] = [];
  try {
    const { createTransport } = transportRegistry();
    for (const t of config.transports) {
      // A transport's own level only: the logger's level is live (setLevel) and applies before the fanout.
      entries.push({ transport: createTransport(t, { loggerName }), minLevel: t.level === undefined ? LEVELS.debug : levelValue(t.level) });
    }
  } catch (err) {
    closeAll(entries);
    throw err;
  }
  return entries;
}

/**
 * The registry, required when the first logger is created rather than
 * imported: it holds every transport's schema, built with zod, which
 * resolveConfig has loaded by then.
 */
function transportRegistry(): Pick<typeof import('./transportRegistry'), 'createTransport'> {
  return require('./transportRegistry') as typeof import('./transportRegistry');
}

/** Starts closing every transport; a close that fails is of no interest next to the error being thrown. */
function closeAll(entries: readonly FanoutEntry[]): void {
  for (const { transport } of entries) {
    try {
      transport.close().catch(() => undefined);
    } catch {
      // the startup error is the one to report
    }
  }
}

/**
 * Where FATAL exits are counted: `fatal.marker`, else .prodlog/<name>.fatal.json
 * under the working directory. Not when `exit` is replaced: that is a test,
 * whose fatal() must leave no file behind.
 */
function fatalMarkerOf(config: ResolvedConfig, name: string, exit: ExitFunction): string | undefined {
  const marker = config.fatal.marker;
  if (marker === false || exit !== defaultExit) return undefined;
  return marker === undefined ? defaultFatalMarkerPath(name, process.cwd()) : resolve(marker);
}

function assemble<Events extends EventMap<Events>>(config: ResolvedConfig, exit: ExitFunction, name: string, entries: FanoutEntry[], fatalMarker: string | undefined): Logger<Events> {
  const fanout = new Fanout(entries);
  const floor = transportFloor(entries);
  const sanitizer = new Sanitizer(config.limits, new SecretKeyMatcher(config.redact.defaults), config.redact.censor);
  const root = pino(
    {
      name,
      // pino's own level is the floor; the live levels (LevelState) decide above it.
      level: settingAtLeast(floor),
      timestamp: createIsoTime(recordNow),
      messageKey: MESSAGE_KEY,
      errorKey: ERROR_KEY,
      formatters: { level: levelField },
      // Errors are already plain objects (Sanitizer); pino's own err serializer would re-wrap them.
      serializers: { [ERROR_KEY]: (value: unknown) => value },
      ...(config.redact.paths.length > 0 ? { redact: { paths: config.redact.paths, censor: config.redact.censor } } : {}),
      ...traceCorrelation(config.trace),
    },
    fanout,
  );
  const core = new LoggerCore<Events>({ settings: { ...config, replay: replaySettings(config.replayOnError) }, name, level: config.level, modules: config.levels, floor, fanout, sanitizer, pino: root, exit, runTask, runSchedule, fatalMarker });
  try {
    installReadiness(core, core.log, config);
  } catch (err) {
    // The core holds process-wide listeners by now; closing it lets go of them and of the transports.
    void core.close();
    throw err;
  }
  return core.log;
}

/** replayOnError as the core reads it: `true` is the defaults, `false` none. */
function replaySettings(option: ResolvedConfig['replayOnError']): ReplaySettings | undefined {
  if (option === false) return undefined;
  const { level, maxRecords } = option === true ? REPLAY_DEFAULTS : option;
  return { minLevel: levelValue(level), maxRecords };
}

/** No record below every transport's level can be written, so below that the logger does no work, whatever its level. */
function transportFloor(entries: readonly FanoutEntry[]): number {
  return Math.min(...entries.map((e) => e.minLevel));
}
