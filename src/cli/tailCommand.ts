import { createPrettyFormatter } from '../../transports/console';
import type { CommandIo } from './CommandIo';
import { LogFollower } from './LogFollower';

export const TAIL_POLL_MS = 200;

/**
 * `prodlog tail <file> [-n N] [--pretty] [--no-follow]`: prints the last N
 * lines (default 10), then follows the file across rotations until
 * interrupted. Resolves with the exit code once `stop` is signalled.
 */
export async function tailCommand(args: readonly string[], io: CommandIo, stop: Promise<void>): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-n');
  if (file === undefined) {
    io.stderr('usage: prodlog tail <file> [-n N] [--pretty] [--no-follow]\n');
    return 2;
  }
  const nIndex = args.indexOf('-n');
  const last = nIndex >= 0 ? Number(args[nIndex + 1]) : 10;
  if (!Number.isInteger(last) || last < 0) {
    io.stderr(`prodlog tail: -n ${String(args[nIndex + 1])} is not a whole number of lines\n`);
    return 2;
  }
  const format = args.includes('--pretty') ? createPrettyFormatter({ colorize: false }) : (line: string) => `${line}\n`;
  const follower = new LogFollower(file);
  const print = (lines: readonly string[]): void => {
    for (const line of lines) io.stdout(format(line));
  };
  print(follower.start(last));
  if (args.includes('--no-follow')) {
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
