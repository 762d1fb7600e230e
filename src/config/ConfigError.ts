/**
 * Thrown at startup for a configuration that cannot work. The message names
 * each bad key path, the bad value and what is allowed, one problem a line.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** Where the configuration came from: "options", a file path, or an environment variable. */
    readonly source: string,
    /** One line per problem, e.g. `transports[0].type: "nope" is not one of console, file, custom`. */
    readonly problems: readonly string[],
  ) {
    super(`invalid prodlog configuration (${source}):\n  ${problems.join('\n  ')}`);
  }
}
