import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/config/ConfigError';
import { describeIssues } from '../core/config/describeIssues';
import { interpolateEnv, type Environment } from './interpolateEnv';
import { mergeLayers, sourceOfPath, type ConfigLayer } from './layers';
import { parseLogLevelVariable } from './logLevelVariable';
import type { ResolvedConfig } from './schema';
import { isPlainObject, nonEmpty } from '../core/plainValues';

export type { Environment };

export const DEFAULT_CONFIG_FILE = 'prodlog.config.json';

export interface LoadConfigOptions {
  /** The config file; defaults to $PRODLOG_CONFIG, then ./prodlog.config.json. */
  readonly path?: string;
  /** Where overrides are read from; defaults to process.env. */
  readonly env?: Environment;
  /** The folder relative paths resolve against; defaults to process.cwd(). */
  readonly cwd?: string;
}

/**
 * Reads, validates and returns the configuration a service would get from
 * `createLogger()` with no options. A named file (option or $PRODLOG_CONFIG)
 * must exist; the default ./prodlog.config.json may be absent (defaults apply).
 * A file that cannot be read or parsed is an error, never silently skipped.
 * String values may name environment variables: `${VAR}`, `${VAR:-default}`.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  return layeredConfig({ ...(options.path !== undefined ? { path: options.path } : {}), env: options.env ?? process.env, cwd: options.cwd ?? process.cwd() }).config;
}

/**
 * Where a logger's configuration came from, as the startup record and
 * `prodlog check` show it: `{ file: "/srv/app/prodlog.config.json",
 * sources: { level: "env LOG_LEVEL (over file)", transports: "file", name: "options" } }`.
 */
export interface ConfigOrigin {
  /** The config file read (absolute); null when there was none; false when `configFile: false` said not to read one. */
  readonly file: string | null | false;
  /**
   * Each key a layer set, by key path, and the layer that set it ("file",
   * "options", "env LOG_LEVEL"), with the layers whose values it replaced:
   * "options (over file)". Keys not listed are defaults. Only key names and
   * layer names: never a value.
   */
  readonly sources: Readonly<Record<string, string>>;
}

/** What layeredConfig() builds a configuration from. */
export interface ConfigRequest {
  /** createLogger()'s options less `exit`, `configFile` and `root`: the layer over the file. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** createLogger()'s `configFile`: a file to read where $PRODLOG_CONFIG names none, or false to read none. */
  readonly configFile?: string | false;
  /** A file named by the caller (loadConfig's `path`, `prodlog check <file>`): read whatever $PRODLOG_CONFIG says. */
  readonly path?: string;
  readonly env: Environment;
  readonly cwd: string;
}

/**
 * The configuration of a logger, from its layers, lowest first: the schema's
 * defaults, the config file, createLogger()'s options, and the operator's
 * environment (LOG_LEVEL). Objects merge key by key, anything else (arrays
 * such as `transports` included) replaces the value below it whole (see
 * mergeLayers). Validated once, merged; a problem is named with the layer
 * its key came from when there is more than one.
 */
export function layeredConfig(request: ConfigRequest): { readonly config: ResolvedConfig; readonly origin: ConfigOrigin } {
  const { env } = request;
  const file = chooseFile(request);
  const layers: ConfigLayer[] = [];
  let read: string | null | false = file.path === false ? false : null;
  if (file.path !== false && (file.named || existsSync(file.path))) {
    const problems: string[] = [];
    const values = interpolateEnv(readJson(file.path), env, problems);
    if (problems.length > 0) throw new ConfigError(file.path, problems);
    if (!isPlainObject(values)) return { config: resolveConfig(values, file.path, env), origin: { file: file.path, sources: {} } };
    layers.push({ name: 'file', values });
    read = file.path;
  }
  const options = request.options ?? {};
  if (Object.values(options).some((v) => v !== undefined)) layers.push({ name: 'options', values: options });
  const fromEnv = environmentLayer(env);
  if (fromEnv !== undefined) layers.push({ name: 'env LOG_LEVEL', values: fromEnv });
  const { input, sources } = mergeLayers(layers);
  const fileSource = file.source === undefined ? {} : { configFile: file.source };
  const origin: ConfigOrigin = { file: read, sources: { ...fileSource, ...sources } };
  const names = layers.map((l) => l.name).filter((n) => n !== 'env LOG_LEVEL');
  const source = names.length === 0 ? 'defaults' : names.map((n) => (n === 'file' && typeof read === 'string' ? read : n)).join(' + ');
  return { config: validate(input, source, names.length > 1 ? sources : undefined), origin };
}

/**
 * The config file of a request: the caller's `path`; else $PRODLOG_CONFIG
 * (the operator's, over the code's `configFile`); else `configFile`; else
 * ./prodlog.config.json, which may be absent. `configFile: false` reads none,
 * whatever the environment says: the code asked for a logger without a file.
 */
function chooseFile(request: ConfigRequest): { readonly path: string | false; readonly named: boolean; readonly source?: string } {
  const { configFile, env, cwd } = request;
  if (request.path !== undefined) return { path: resolve(cwd, request.path), named: true };
  if (configFile === false) return { path: false, named: false, source: 'options' };
  const fromEnv = nonEmpty(env['PRODLOG_CONFIG']);
  if (fromEnv !== undefined) return { path: resolve(cwd, fromEnv), named: true, source: configFile === undefined ? 'env PRODLOG_CONFIG' : 'env PRODLOG_CONFIG (over options)' };
  if (configFile !== undefined) return { path: resolve(cwd, configFile), named: true, source: 'options' };
  return { path: resolve(cwd, DEFAULT_CONFIG_FILE), named: false };
}

/**
 * The file loadConfig reads: the one named (option or $PRODLOG_CONFIG), else
 * ./prodlog.config.json, which may be absent.
 */
export function configFile(options: LoadConfigOptions = {}): { readonly path: string; readonly named: boolean; readonly exists: boolean } {
  const named = options.path ?? nonEmpty((options.env ?? process.env)['PRODLOG_CONFIG']);
  const path = resolve(options.cwd ?? process.cwd(), named ?? DEFAULT_CONFIG_FILE);
  return { path, named: named !== undefined, exists: existsSync(path) };
}

/**
 * Validates a configuration object, applies environment overrides and fills
 * in defaults. Throws ConfigError naming each bad key, value and what is allowed.
 */
export function resolveConfig(input: unknown, source: string, env: Environment = process.env): ResolvedConfig {
  // LOG_LEVEL over the input, merged as createLogger() merges its layers; an input that is not an object is left for the schema to name.
  const fromEnv = environmentLayer(env);
  if (fromEnv === undefined || !isPlainObject(input)) return validate(input, source);
  return validate(mergeLayers([{ name: source, values: input }, { name: 'environment', values: fromEnv }]).input, source);
}

function validate(input: unknown, source: string, sources?: Readonly<Record<string, string>>): ResolvedConfig {
  const { loggerConfigSchema } = configSchema();
  const parsed = loggerConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error.issues, input);
  throw new ConfigError(source, sources === undefined ? problems : problems.map((p) => withLayer(p, sources)));
}

/** A problem of a configuration merged from several layers, with the layer its key came from. */
function withLayer(problem: string, sources: Readonly<Record<string, string>>): string {
  const layer = sourceOfPath(problem, sources);
  if (layer === undefined) return problem;
  return `${problem} (from ${layer === 'file' ? 'the config file' : layer})`;
}

/**
 * $LOG_LEVEL as the top layer: the root level and the module levels it names
 * (`info,db=debug`), or undefined when it is not set. A bad value is an
 * error naming the variable.
 */
function environmentLayer(env: Environment): Record<string, unknown> | undefined {
  const text = nonEmpty(env['LOG_LEVEL']);
  if (text === undefined) return undefined;
  const parsed = parseLogLevelVariable(text);
  if ('problems' in parsed) throw new ConfigError('environment', parsed.problems.map((p) => `LOG_LEVEL: ${p}`));
  const values: Record<string, unknown> = {};
  if (parsed.level !== undefined) values['level'] = parsed.level;
  if (Object.keys(parsed.levels).length > 0) values['levels'] = parsed.levels;
  return Object.keys(values).length > 0 ? values : undefined;
}

/**
 * The schemas, required when a configuration is first checked rather than
 * imported: building them (and loading zod) is most of what importing prodlog
 * would otherwise cost, so importing prodlog does not load zod.
 */
function configSchema(): Pick<typeof import('./schema'), 'loggerConfigSchema'> {
  const { loggerConfigSchema } = require('./schema') as typeof import('./schema');
  return { loggerConfigSchema };
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot be read: ${(err as Error).message}`]);
  }
  // Editors on Windows save UTF-8 with a byte order mark; JSON.parse refuses it, and it is no part of the JSON.
  if (text.startsWith('\ufeff')) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(path, [`is not valid JSON: ${(err as Error).message}`]);
  }
}

