import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CommandIo } from './CommandIo';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** What a command accepts: the usage text doubles as its --help. */
export interface CommandSpec<O extends OptionsConfig> {
  /** As typed after `prodlog`. */
  readonly name: string;
  /** Printed on stdout by `--help` and on stderr after a usage error. */
  readonly usage: string;
  readonly options: O;
  /** How many operands (file, folder...) the command takes. */
  readonly operands: { readonly min: number; readonly max: number };
}

type Parsed<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ options: O & typeof HELP; allowPositionals: true; strict: true }>>;

export interface CommandArgs<O extends OptionsConfig> {
  readonly values: Parsed<O>['values'];
  readonly operands: readonly string[];
}

/**
 * Parses a command's arguments strictly (node:util parseArgs): an unknown
 * option, an option without its value or a wrong number of operands prints
 * the problem and the command's usage on stderr and gives exit code 2;
 * `--help` or `-h` prints the usage on stdout and gives 0. Otherwise returns
 * the options and operands, for the command to check their values with
 * `usageError`.
 */
export function parseCommandArgs<O extends OptionsConfig>(spec: CommandSpec<O>, args: readonly string[], io: CommandIo): CommandArgs<O> | number {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: [...args], options: { ...spec.options, ...HELP }, allowPositionals: true, strict: true });
  } catch (err) {
    return usageError(spec, io, problemOf(err));
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    io.stdout(spec.usage);
    return 0;
  }
  const { min, max } = spec.operands;
  const count = parsed.positionals.length;
  if (count < min) return usageError(spec, io, count === 0 ? 'missing operand' : `expects at least ${min} operands`);
  if (count > max) return usageError(spec, io, `unexpected operand ${JSON.stringify(parsed.positionals[max])}`);
  return { values: parsed.values, operands: parsed.positionals };
}

/** Prints `prodlog <name>: <problem>` and the usage on stderr; returns exit code 2. */
export function usageError(spec: CommandSpec<OptionsConfig>, io: CommandIo, problem: string): number {
  io.stderr(`prodlog ${spec.name}: ${problem}\n${spec.usage}`);
  return 2;
}

/** parseArgs' message, shortened where it explains more than the command line needs. */
function problemOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    if (option !== undefined) return `unknown option ${option}`;
  }
  return message;
}
