import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createPrettyFormatter } from '../../transports/console';
import { parseCommandArgs, usageError, type CommandSpec } from './commandArgs';
import type { CommandIo } from './CommandIo';
import { LogFollower } from './LogFollower';

export const TAIL_POLL_MS = 200;

export const TAIL: CommandSpec<{
  lines: { type: 'string'; short: 'n' };
  pretty: { type: 'boolean' };
  'no-follow': { type: 'boolean' };
}> = {
  name: 'tail',
  usage: `usage: prodlog tail <file> [-n N] [--pretty] [--no-follow]

  -n, --lines N   print the last N lines first (default 10)
  --pretty        readable lines instead of JSON
  --no-follow     print the last lines and exit, instead of following the file across rotations
`,
  options: { lines: { type: 'string', short: 'n' }, pretty: { type: 'boolean' }, 'no-follow': { type: 'boolean' } },
  operands: { min: 1, max: 1 },
};

/**
 * `prodlog tail <file> [-n N] [--pretty] [--no-follow]`: prints the last N
 * lines (default 10), then follows the file across rotations until
 * interrupted. Resolves with the exit code once `stop` is signalled. A file
 * that does not exist yet is waited for, and said so on stderr.
 */
export async function tailCommand(args: readonly string[], io: CommandIo, stop: Promise<void>): Promise<number> {
  const parsed = parseCommandArgs(TAIL, args, io);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  let last = 10;
  if (values.lines !== undefined) {
    if (!/^\d+$/.test(values.lines)) return usageError(TAIL, io, `-n ${JSON.stringify(values.lines)} is not a whole number of lines`);
    last = Number(values.lines);
  }
  const file = parsed.operands[0]!;
  const path = resolve(io.cwd, file);
  const follow = values['no-follow'] !== true;
  if (!existsSync(path)) {
    if (!follow) {
      io.stderr(`prodlog tail: ${path} does not exist\n`);
      return 1;
    }
    io.stderr(`prodlog tail: ${path} does not exist yet; waiting for it to be created\n`);
  }
  const format = values.pretty === true ? createPrettyFormatter({ colorize: false }) : (line: string) => `${line}\n`;
  const follower = new LogFollower(path);
  const print = (lines: readonly string[]): void => {
    for (const line of lines) io.stdout(format(line));
  };
  print(follower.start(last));
  if (!follow) {
    follower.close();
    return 0;
  }
  const timer = setInterval(() => print(follower.poll()), TAIL_POLL_MS);
  await stop;
  clearInterval(timer);
  print(follower.poll());
  follower.close();
  return 0;
}
