import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../core/config/ConfigError';
import { describeIssues } from '../core/config/describeIssues';
import { interpolateEnv, type Environment } from './interpolateEnv';
import { parseLogLevelVariable } from './logLevelVariable';
import type { ResolvedConfig } from './schema';

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
  const env = options.env ?? process.env;
  const { path, named, exists } = configFile(options);
  if (!named && !exists) return resolveConfig({}, 'defaults', env);
  const problems: string[] = [];
  const input = interpolateEnv(readJson(path), env, problems);
  if (problems.length > 0) throw new ConfigError(path, problems);
  return resolveConfig(input, path, env);
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
  const { loggerConfigSchema } = configSchema();
  const parsed = loggerConfigSchema.safeParse(withEnvOverrides(input, env));
  if (!parsed.success) throw new ConfigError(source, describeIssues(parsed.error.issues, input));
  return parsed.data;
}

/**
 * LOG_LEVEL overrides `level` and adds to `levels` ("info,db=debug"), so
 * operators can turn on debug for the service or one module without
 * touching the config.
 */
function withEnvOverrides(input: unknown, env: Environment): unknown {
  const text = nonEmpty(env['LOG_LEVEL']);
  if (text === undefined) return input;
  const parsed = parseLogLevelVariable(text);
  if ('problems' in parsed) throw new ConfigError('environment', parsed.problems.map((p) => `LOG_LEVEL: ${p}`));
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const withLevel = parsed.level === undefined ? input : { ...input, level: parsed.level };
  const fileLevels = (input as { levels?: unknown }).levels;
  if (fileLevels === undefined) return { ...withLevel, levels: parsed.levels };
  // A `levels` that is not an object is left for the schema to name.
  if (typeof fileLevels !== 'object' || fileLevels === null || Array.isArray(fileLevels)) return withLevel;
  return { ...withLevel, levels: { ...fileLevels, ...parsed.levels } };
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

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
