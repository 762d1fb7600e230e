import { ConfigError } from '../core/config/ConfigError';
import { configFile, layeredConfig } from '../config/loadConfig';
import { deprecatedSpellings } from '../core/config/unitOptions';
import { withoutSecrets } from '../core/serialize/withoutSecrets';
import { parseCommandArgs, type CommandSpec } from './commandArgs';
import type { CommandIo } from './CommandIo';

export const CHECK: CommandSpec<Record<never, never>> = {
  name: 'check',
  usage: `usage: prodlog check [config]

  Validates a config file as createLogger() would at startup (environment
  overrides included) and prints it resolved, defaults filled in and secrets
  hidden. Without [config]: $PRODLOG_CONFIG, else ./prodlog.config.json.
  On stderr: the file read, which keys came from it and which from the
  environment (the rest are defaults; options passed to createLogger() in
  code apply over the file and under the environment), and deprecated
  spellings (timeoutMs for timeout). Exit 2 when the configuration is refused.
`,
  options: {},
  operands: { min: 0, max: 1 },
};

/**
 * `prodlog check [config]`: validates a config file exactly as the library
 * would at startup (environment overrides included) and prints the resolved
 * configuration with every default filled in and secrets hidden. Which file
 * was read, or that none was found and the defaults apply, is said on
 * stderr, so stdout stays the configuration alone.
 */
export function checkCommand(args: readonly string[], io: CommandIo): number {
  const parsed = parseCommandArgs(CHECK, args, io);
  if (typeof parsed === 'number') return parsed;
  const options = { env: io.env, cwd: io.cwd, ...(parsed.operands[0] === undefined ? {} : { path: parsed.operands[0] }) };
  try {
    const { config, origin } = layeredConfig(options);
    const file = configFile(options);
    io.stderr(file.exists
      ? `prodlog check: read ${file.path}\n`
      : `prodlog check: no config file found (no $PRODLOG_CONFIG, no ${file.path}); createLogger() would use the defaults below\n`);
    io.stderr(`prodlog check: sources: ${describeSources(origin.sources)}\n`);
    // The same deprecations the logger writes as warn records at startup.
    for (const d of deprecatedSpellings(config)) {
      io.stderr(`prodlog check: ${d.key}: ${JSON.stringify(d.value)} is deprecated and refused from ${d.removedIn} on: write ${d.replacement}: ${JSON.stringify(d.replacementValue)}\n`);
    }
    io.stdout(`${JSON.stringify(withoutSecrets(config), null, 2)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`${err.message}\n`);
    return 2;
  }
}

/** `name: file, level: env LOG_LEVEL (over file); every other key is a default`: key and layer names only, never a value. */
function describeSources(sources: Readonly<Record<string, string>>): string {
  const entries = Object.entries(sources).map(([key, source]) => `${key}: ${source}`);
  return entries.length === 0 ? 'every key is a default' : `${entries.join(', ')}; every other key is a default`;
}
