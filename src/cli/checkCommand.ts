import { ConfigError } from '../core/config/ConfigError';
import { loadConfig } from '../config/loadConfig';
import { withoutSecrets } from '../core/serialize/withoutSecrets';
import type { CommandIo } from './CommandIo';

/**
 * `prodlog check [config]`: validates a config file exactly as the library
 * would at startup (environment overrides included) and prints the resolved
 * configuration with every default filled in and secrets hidden.
 */
export function checkCommand(args: readonly string[], io: CommandIo): number {
  const path = args[0];
  try {
    const config = loadConfig(path === undefined ? { env: io.env, cwd: io.cwd } : { path, env: io.env, cwd: io.cwd });
    io.stdout(`${JSON.stringify(withoutSecrets(config), null, 2)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`${err.message}\n`);
    return 2;
  }
}
