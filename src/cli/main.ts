import { checkCommand } from './checkCommand';
import { clickhouseSchemaCommand } from './clickhouseSchemaCommand';
import type { CommandIo } from './CommandIo';
import { errorsCommand } from './errorsCommand';
import { prettyCommand } from './prettyCommand';
import { spoolCommand } from './spoolCommand';
import { tailCommand } from './tailCommand';
import { prodlogVersion } from './version';

const USAGE = `usage: prodlog <command>

  pretty [--color|--no-color]          JSON lines on stdin, readable lines on stdout
  check [config]                       validate a config file and print it resolved, secrets hidden
  tail <file> [-n N] [--pretty]        print the last lines of a log file and follow it across rotations
  spool <dir> [--json]                 a shipping spool's backlog, oldest record and dead letters (read-only)
  errors <files|dirs...> [--since 1h] [--json]
                                       error and fatal records of live and rotated (.gz) logs, grouped by fingerprint
  clickhouse-schema [--table logs] [--ttl 30d|none] [--field key:Type]... [--raw-field raw|none]
                                       the recommended ClickHouse table for the ndjson format

  prodlog <command> --help             the command's options
  prodlog --version                    prodlog's version
`;

/** Runs one command; resolves with the process exit code. */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'pretty':
      return prettyCommand(args, io, process.stdin);
    case 'check':
      return checkCommand(args, io);
    case 'tail':
      return tailCommand(args, io, untilSignal());
    case 'spool':
      return spoolCommand(args, io);
    case 'errors':
      return errorsCommand(args, io);
    case 'clickhouse-schema':
      return clickhouseSchemaCommand(args, io);
    case '--version':
    case '-V':
      io.stdout(`${prodlogVersion()}\n`);
      return 0;
    case 'help':
      // `prodlog help <command>` is `prodlog <command> --help`.
      if (args[0] !== undefined) return main([args[0], '--help'], io);
      io.stdout(USAGE);
      return 0;
    case undefined:
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`prodlog: unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** The process side: real stdout/stderr, quiet exit when the reader of stdout goes away (`| head`). */
export function run(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const io: CommandIo = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`prodlog: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
