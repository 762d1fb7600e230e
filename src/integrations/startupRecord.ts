import type { Logger } from '../core/Logger';
import { deprecatedSpellings } from '../core/config/deprecatedSpellings';
import { withoutSecrets } from '../core/serialize/withoutSecrets';
import { packageVersion } from './packageInfo';

/** What the startup record reads of the configuration: the transports' options, as resolved. */
export interface StartupConfig {
  readonly transports: readonly unknown[];
}

/**
 * Where the configuration came from (the composition root's ConfigOrigin):
 * the file read, and which keys each layer set. Key and layer names only.
 */
export interface ConfigOrigin {
  readonly file: string | null | false;
  readonly sources: Readonly<Record<string, string>>;
}

/** A bound on the record: transport options nested deeper are shown as "[Object]" or "[Array]". */
const MAX_DEPTH = 3;

/**
 * Logs the `startup` record at info: the service version (from package.json,
 * when found), the Node version, the effective level, the transports
 * without their secrets, and where the configuration came from:
 * `config: { file: "/srv/app/prodlog.config.json", sources: { level: "env LOG_LEVEL (over file)", transports: "file", name: "options" } }`
 * (keys not in `sources` are defaults). `name`, `pid` and `hostname` are in
 * every record.
 */
export function logStartup(log: Logger, config: StartupConfig, origin?: ConfigOrigin): void {
  const version = packageVersion();
  log.info('startup', {
    ...(version !== undefined ? { version } : {}),
    node: process.version,
    // `level` is the record's own key; this is the logger's minimum.
    effectiveLevel: log.level,
    transports: describeTransports(config.transports),
    ...(origin !== undefined ? { config: { file: origin.file, sources: { ...origin.sources } } } : {}),
  });
}

/** Transport options as the startup record shows them (see withoutSecrets). */
export function describeTransports(transports: readonly unknown[]): unknown[] {
  return transports.map((t) => withoutSecrets(t, MAX_DEPTH));
}

/**
 * One warn record per deprecated spelling in the configuration (a `timeoutMs`
 * for `timeout`, a bare number of bytes), written at every start whatever
 * `startup` says, so the key is fixed before the release that refuses it:
 * `{"msg":"deprecated configuration key","key":"fatal.timeoutMs","value":5000,
 * "replacement":"fatal.timeout","replacementValue":"5s","removedIn":"0.3.0"}`.
 */
export function logDeprecatedSpellings(log: Logger, config: unknown): void {
  for (const spelling of deprecatedSpellings(config)) {
    log.warn(spelling.key === spelling.replacement ? 'deprecated configuration value' : 'deprecated configuration key', { ...spelling });
  }
}
