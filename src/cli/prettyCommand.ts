import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { isatty } from 'node:tty';
import { createPrettyFormatter } from '../../transports/console';
import type { CommandIo } from './CommandIo';

/**
 * `prodlog pretty [--color|--no-color]`: JSON lines on stdin, readable lines
 * on stdout, through the same formatter as the console transport (level
 * names, control characters escaped). Lines that are not JSON pass through,
 * escaped.
 */
export async function prettyCommand(args: readonly string[], io: CommandIo, input: Readable): Promise<number> {
  const colorize = args.includes('--color') ? true : args.includes('--no-color') ? false : isatty(1);
  const format = createPrettyFormatter({ colorize });
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line !== '') io.stdout(format(line));
  }
  return 0;
}
