import { escapeInvisible } from './escapeInvisible';

/**
 * Thrown at startup for a configuration that cannot work. The message names
 * each bad key path, the bad value and what is allowed, one problem a line.
 * Invisible and control characters in the problems and the source are
 * escaped: they come from the config file and must neither hide in the
 * message nor act on the terminal that shows it.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One line per problem, e.g. `transports[0].type: "nope" is not one of console, file, custom`. */
  readonly problems: readonly string[];

  constructor(
    /** Where the configuration came from: "options", a file path, or an environment variable. */
    readonly source: string,
    problems: readonly string[],
  ) {
    const shown = problems.map(escapeInvisible);
    super(`invalid prodlog configuration (${escapeInvisible(source)}):\n  ${shown.join('\n  ')}`);
    this.problems = shown;
  }
}
