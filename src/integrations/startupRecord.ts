import type { ResolvedConfig } from '../config/schema';
import { withoutSecrets } from '../core/serialize/withoutSecrets';
import type { Logger } from '../core/Logger';
import { packageVersion } from './packageInfo';

/** A bound on the record: transport options nested deeper are shown as "[Object]" or "[Array]". */
const MAX_DEPTH = 3;

/**
 * Logs the `startup` record at info: the service version (from package.json,
 * when found), the Node version, the effective level and the transports
 * without their secrets. `name`, `pid` and `hostname` are in every record.
 */
export function logStartup(log: Logger, config: ResolvedConfig): void {
  const version = packageVersion();
  log.info('startup', {
    ...(version !== undefined ? { version } : {}),
    node: process.version,
    // `level` is the record's own key; this is the logger's minimum.
    effectiveLevel: log.level,
    transports: describeTransports(config.transports),
  });
}

/** Transport options as the startup record shows them (see withoutSecrets). */
export function describeTransports(transports: readonly unknown[]): unknown[] {
  return transports.map((t) => withoutSecrets(t, MAX_DEPTH));
}
