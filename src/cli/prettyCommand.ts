import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { isatty } from 'node:tty';
import { createPrettyFormatter } from '../../transports/console';
import { parseCommandArgs, usageError, type CommandSpec } from './commandArgs';
import type { CommandIo } from './CommandIo';

export const PRETTY: CommandSpec<{ color: { type: 'boolean' }; 'no-color': { type: 'boolean' } }> = {
  name: 'pretty',
  usage: `usage: prodlog pretty [--color|--no-color] < app.log

  JSON lines on stdin (prodlog's shape or the pino format), readable lines on stdout
  --color, --no-color   colour the output or not (default: when stdout is a terminal)
`,
  options: { color: { type: 'boolean' }, 'no-color': { type: 'boolean' } },
  operands: { min: 0, max: 0 },
};

/**
 * `prodlog pretty [--color|--no-color]`: JSON lines on stdin, readable lines
 * on stdout, through the same formatter as the console transport (level
 * names, control characters escaped). Lines that are not JSON pass through,
 * escaped.
 */
export async function prettyCommand(args: readonly string[], io: CommandIo, input: Readable): Promise<number> {
  const parsed = parseCommandArgs(PRETTY, args, io);
  if (typeof parsed === 'number') return parsed;
  const { color, 'no-color': noColor } = parsed.values;
  if (color === true && noColor === true) return usageError(PRETTY, io, '--color and --no-color exclude each other');
  const colorize = color === true ? true : noColor === true ? false : isatty(1);
  const format = createPrettyFormatter({ colorize });
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line !== '') io.stdout(format(line));
  }
  return 0;
}
