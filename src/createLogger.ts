import { resolve } from 'node:path';
import pino from 'pino';
import { layeredConfig, type ConfigOrigin, type Environment } from './config/loadConfig';
import { ConfigError } from './core/config/ConfigError';
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
import { openTransport } from './sharedTransports';
import { adoptAsRoot, type RootCandidate } from './rootLogger';

export interface LoggerOptions extends LoggerConfig {
  /** Replaces process.exit for FATAL and crashes; tests use it. It must not return normally. */
  readonly exit?: ExitFunction;
  /**
   * The config file these options apply over: a path (relative to the
   * working directory; it must exist) read when $PRODLOG_CONFIG names none,
   * or `false` to read no file at all. Default: $PRODLOG_CONFIG, else
   * ./prodlog.config.json if there is one.
   */
  readonly configFile?: string | false;
  /**
   * Whether this logger is the process's root logger, the one getLogger()
   * writes through. Default: the first logger created without `transports`
   * in its options (its transports are the config file's) and without
   * `configFile: false` becomes the root; `true` makes this one the root in
   * place of any other; `false` never.
   */
  readonly root?: boolean;
}

/**
 * Creates a logger from the config file ($PRODLOG_CONFIG, else
 * ./prodlog.config.json when there is one) with `options` applied over it
 * key by key, and environment overrides (LOG_LEVEL) over both: defaults <
 * file < options < environment. Objects merge (`fatal: { timeout }` keeps the
 * file's `fatal.exitCode`); anything else, `transports` included, replaces
 * the file's value whole. `configFile: false` ignores the file.
 * Throws ConfigError at once for a configuration that cannot work; after
 * that, nothing the logger does throws at the caller.
 *
 * A file or spool that another logger of this process has open is shared
 * with it, not opened twice (see sharedTransports.ts).
 *
 * `Events` (optional, types only) maps event names to their fields and
 * types `log.event(name, fields)`: `createLogger<ShopEvents>()`.
 */
export function createLogger<Events extends EventMap<Events> = NoEvents>(options?: LoggerOptions): Logger<Events> {
  return createLoggerWithEnv<Events>(options ?? {}, process.env);
}

/** createLogger(options) with the environment (LOG_LEVEL, PRODLOG_CONFIG) read from `env` instead of process.env. */
export function createLoggerWithEnv<Events extends EventMap<Events> = NoEvents>(options: LoggerOptions, env: Environment): Logger<Events> {
  const { exit: exitOption, configFile, root, ...rest } = options;
  checkCodeOptions(configFile, root, exitOption);
  const exit = exitOption ?? defaultExit;
  const { config, origin } = layeredConfig({ options: rest, ...(configFile !== undefined ? { configFile } : {}), env, cwd: process.cwd() });
  const core = loggerFromConfig<Events>(config, origin, exit);
  adoptAsRoot(core as unknown as RootCandidate, root ?? (rest.transports === undefined && configFile !== false ? 'if-none' : false));
  return core.log;
}

/** The options that never come from a file, checked as the schema checks the others. */
function checkCodeOptions(configFile: unknown, root: unknown, exit: unknown): void {
  const problems: string[] = [];
  if (configFile !== undefined && configFile !== false && (typeof configFile !== 'string' || configFile.trim() === '')) {
    problems.push(`configFile: ${JSON.stringify(configFile) ?? String(configFile)} is not a path or false`);
  }
  if (root !== undefined && typeof root !== 'boolean') problems.push(`root: ${JSON.stringify(root) ?? String(root)} is not true or false`);
  if (exit !== undefined && typeof exit !== 'function') problems.push(`exit: is not a function`);
  if (problems.length > 0) throw new ConfigError('options', problems);
}

function defaultExit(code: number): never {
  return process.exit(code);
}

function loggerFromConfig<Events extends EventMap<Events> = NoEvents>(config: ResolvedConfig, origin: ConfigOrigin, exit: ExitFunction): LoggerCore<Events> {
  const name = config.name ?? packageName() ?? 'app';
  const entries = createEntries(config, origin, name);
  try {
    return assemble<Events>(config, origin, exit, name, entries, fatalMarkerOf(config, name, exit));
  } catch (err) {
    closeAll(entries);
    throw err;
  }
}

/**
 * Creates the transports in order, or takes the ones of this process that
 * hold the same file or spool (openTransport). When one throws (a file in
 * use, a CA file that cannot be read, a shared file with other settings),
 * those already created are closed (or let go of) before the error goes on,
 * so a failed start leaves no file open and no lock held.
 */
function createEntries(config: ResolvedConfig, origin: ConfigOrigin, loggerName: string): FanoutEntry[] {
  const entries: FanoutEntry[] = [];
  try {
    const { createTransport, sharedResourceOf } = transportRegistry();
    const context = { loggerName };
    const source = origin.sources['transports']?.startsWith('file') && typeof origin.file === 'string' ? origin.file : 'options';
    const named = new Map<string, number>();
    config.transports.forEach((t, i) => {
      const resource = sharedResourceOf(t, context);
      if (resource !== undefined) {
        // Within one logger the same file twice would get every record twice: a mistake, not a share.
        const earlier = named.get(resource.key);
        if (earlier !== undefined) throw new ConfigError(source, [`transports[${i}]: names ${resource.describe}, as transports[${earlier}] does: one logger writes a file or spool through one transport (give it the lower level of the two)`]);
        named.set(resource.key, i);
      }
      const transport = openTransport(resource, { loggerName, at: `transports[${i}]`, source }, () => createTransport(t, context));
      // A transport's own level only: the logger's level is live (setLevel) and applies before the fanout.
      entries.push({ transport, minLevel: t.level === undefined ? LEVELS.debug : levelValue(t.level) });
    });
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
function transportRegistry(): Pick<typeof import('./transportRegistry'), 'createTransport' | 'sharedResourceOf'> {
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

function assemble<Events extends EventMap<Events>>(config: ResolvedConfig, origin: ConfigOrigin, exit: ExitFunction, name: string, entries: FanoutEntry[], fatalMarker: string | undefined): LoggerCore<Events> {
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
    installReadiness(core, core.log, config, origin);
  } catch (err) {
    // The core holds process-wide listeners by now; closing it lets go of them and of the transports.
    void core.close();
    throw err;
  }
  return core;
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
