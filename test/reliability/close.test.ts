import { join } from 'node:path';
import { startHalfOpenTcpServer } from '../support/fault-servers';
import { closedPort } from '../support/http-receiver';
import { LoadService } from '../support/load-service';
import { recordFigure } from '../support/reliability-figures';
import { Rsyslog } from '../support/rsyslog';
import { tempDir } from '../support/run-fixture';

/**
 * `await log.close()` in a service whose receiver is up: it must resolve (so
 * the code after it runs) and close the spool (cursor saved, lock released),
 * even when the receiver takes its time to close the connection. A process
 * whose event loop empties while close() waits just ends, half closed.
 */
const RUNS = 3; // against rsyslog the early end depends on timing: several runs

let rsyslog: Rsyslog;
beforeAll(async () => {
  rsyslog = await Rsyslog.start();
});
afterAll(async () => {
  await rsyslog?.stop();
});

/** One service run: 20 records (delivered, when the receiver is up), then close(); what happened after it. */
async function closeOnce(protocol: 'tcp' | 'relp', port: number, options: { down?: boolean; closeTimeoutMs?: number } = {}): Promise<{ exit: unknown; after: boolean; lockLeft: boolean }> {
  const dir = join(tempDir(`rel-close-${protocol}`), 'spool');
  const timeouts = options.closeTimeoutMs === undefined ? {} : { closeTimeout: `${options.closeTimeoutMs}ms` };
  const service = new LoadService({
    logger: { name: `rel-close-${protocol}`, ...timeouts, transports: [{ type: 'syslog', host: '127.0.0.1', port, protocol, spool: { dir }, ...timeouts }] },
    steps: [{ log: { records: 20, perTick: 20 } }, options.down ? { failing: 5_000 } : { drain: 10_000 }, { close: true }],
  });
  const exit = await service.exited;
  // Read inside the service after close() returned: once it exits the kernel drops its locks anyway.
  const done = service.events.find((e) => e['done'] === true);
  return { exit, after: done !== undefined, lockLeft: (done?.['spoolLocks'] as unknown[] | undefined)?.some((l) => l !== null) ?? true };
}

const CLOSED = { exit: { code: 0, signal: null }, after: true, lockLeft: false };

function record(id: string, fault: string, result: Awaited<ReturnType<typeof closeOnce>>): void {
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  recordFigure({
    id,
    fault,
    happened: `20 records logged, then \`await log.close()\`: the code after it ran: ${yes(result.after)}; the spool was closed (lock released): ${yes(!result.lockLeft)}; exit ${JSON.stringify(result.exit)}.`,
    lost: '0 (spooled)',
    duplicates: '-',
    memory: '',
  });
}

describe('close() with the receiver down', () => {
  it('the logger and the transport with the same closeTimeout: close() gives up on delivery in time and still closes the spool', async () => {
    const result = await closeOnce('relp', await closedPort(), { down: true, closeTimeoutMs: 1_000 });
    record('close-down', 'close() with the receiver down, logger and transport closeTimeout both 1 s', result);
    expect(result).toEqual(CLOSED);
  });
});

describe('close() with the receiver up', () => {
  it.each(['tcp', 'relp'] as const)('%s to rsyslog: resolves, the code after it runs, the spool lock is released', async (protocol) => {
    for (let run = 0; run < RUNS; run++) {
      expect({ run, ...(await closeOnce(protocol, protocol === 'tcp' ? rsyslog.ports.tcp : rsyslog.ports.relp)) }).toEqual({ run, ...CLOSED });
    }
  });

  it('tcp to a receiver that never closes its end of the connection: the same, within its bound', async () => {
    const server = await startHalfOpenTcpServer();
    try {
      const result = await closeOnce('tcp', server.port);
      record('close-half-open', 'close() with a syslog TCP receiver that never closes its end of the connection', result);
      expect(result).toEqual(CLOSED);
    } finally {
      await server.close();
    }
  });
});
