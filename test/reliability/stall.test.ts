import { join } from 'node:path';
import { startHungTcpServer, startStallingHttpServer, startStallingRelpServer, type FaultServer } from '../support/fault-servers';
import { LoadService, type HealthEvent, type LogSummary } from '../support/load-service';
import { count, fullRun, megabytes, recordFigure } from '../support/reliability-figures';
import { tempDir } from '../support/run-fixture';

/** About 12 MB of records (120 MB, a soak of about 20 s per receiver, under `npm run reliability`): a heap that kept them would grow by that much. */
const RECORDS = fullRun() ? 400_000 : 40_000;
/** Far below the records logged (12 MB, or 114 MB in the long run): a heap that held the backlog would pass it at once. */
const HEAP_BOUND = (fullRun() ? 8 : 4) * 1024 * 1024;

interface Scenario {
  readonly id: string;
  readonly fault: string;
  readonly kind: 'slow' | 'hung';
  readonly start: () => Promise<FaultServer>;
  readonly transport: (port: number) => Record<string, unknown>;
}

const relp = (port: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'syslog', host: '127.0.0.1', port, protocol: 'relp', ...extra });
const http = (port: number, timeoutMs: number): Record<string, unknown> => ({
  type: 'http',
  url: `http://127.0.0.1:${port}/v1/logs`,
  format: 'otlp',
  timeout: `${timeoutMs}ms`,
  batch: { maxRecords: 1_000, interval: '0s' },
});

const SCENARIOS: readonly Scenario[] = [
  {
    id: 'slow-http',
    fault: 'HTTP receiver slow: answers each request after 1 s',
    kind: 'slow',
    start: () => startStallingHttpServer(1_000),
    transport: (port) => http(port, 5_000),
  },
  {
    id: 'hung-http',
    fault: 'HTTP receiver hung: reads each request, never answers',
    kind: 'hung',
    start: () => startStallingHttpServer(Infinity),
    transport: (port) => http(port, 500),
  },
  {
    id: 'slow-relp',
    fault: 'RELP receiver slow: acknowledges each message after 1 s',
    kind: 'slow',
    start: () => startStallingRelpServer(1_000),
    transport: (port) => relp(port),
  },
  {
    id: 'hung-relp',
    fault: 'RELP receiver hung: opens the session, never acknowledges a message',
    kind: 'hung',
    start: () => startStallingRelpServer(Infinity),
    transport: (port) => relp(port, { relp: { ackTimeout: '500ms' } }),
  },
  {
    id: 'hung-tcp',
    fault: 'syslog TCP receiver hung: accepts the connection, never reads',
    kind: 'hung',
    start: startHungTcpServer,
    // relp.ackTimeout also bounds a TCP write the receiver does not take.
    transport: (port) => ({ type: 'syslog', host: '127.0.0.1', port, protocol: 'tcp', relp: { ackTimeout: '500ms' } }),
  },
];

describe('a slow or hung receiver', () => {
  it.each(SCENARIOS.map((s) => [s.fault, s] as const))('%s: logging calls stay as cheap, the heap flat, the backlog goes to the spool', async (_fault, scenario) => {
    const server = await scenario.start();
    try {
      const transport = { ...scenario.transport(server.port), spool: { dir: join(tempDir(scenario.id), 'spool') }, closeTimeout: '300ms' };
      const service = new LoadService(
        {
          logger: { name: scenario.id, transports: [transport] },
          steps: [
            { log: { records: RECORDS, perTick: 200, tickMs: 5, pad: 200 } },
            // A hung receiver must be noticed: wait (up to the default timeouts' 10 s and a margin) for the error;
            // a slow one must deliver (its first acknowledgements come a second after the first send).
            scenario.kind === 'hung' ? { failing: 12_000 } : { delivering: 5_000 },
            { close: true },
          ],
        },
        { gc: true },
      );
      const summary: LogSummary = await service.logSummary();
      const { health: [h] }: HealthEvent = await service.health();
      await service.done(30_000);
      const health = h!;
      const backlog = health.backlogRecords ?? 0;
      recordFigure({
        id: scenario.id,
        fault: scenario.fault,
        happened:
          `${count(RECORDS)} records logged in ${summary.ms} ms; a logging call cost ${summary.callUs.first.toFixed(1)} µs at the start and ${summary.callUs.last.toFixed(1)} µs at the end (median). ` +
          `${count(health.delivered ?? 0)} delivered, ${count(backlog)} waiting in the spool; ` +
          (scenario.kind === 'hung' ? `error reported: ${health.lastError ?? 'none (no timeout fired)'}.` : `errors: ${health.lastError ?? 'none'}.`),
        // Plain TCP has no acknowledgement: what the kernel took counts as delivered, and is lost if the receiver never reads it.
        lost: scenario.id === 'hung-tcp' ? `0 spooled; the ${count(health.delivered ?? 0)} counted as delivered sat unread in the receiver's socket buffers` : '0 (all spooled or delivered)',
        duplicates: '-',
        memory: `heap +${megabytes(summary.heapGrowth ?? 0)} while logging ${megabytes(RECORDS * 300)}; peak RSS ${megabytes(summary.peakRss)}`,
      });

      expect(summary.logged).toBe(RECORDS);
      // Flat: the calls at the end cost what they cost at the start (a generous bound for a shared machine).
      expect(summary.callUs.last).toBeLessThanOrEqual(Math.max(3 * summary.callUs.first, summary.callUs.first + 20));
      expect(summary.heapGrowth).toBeLessThan(HEAP_BOUND);
      expect(health).toMatchObject({ written: RECORDS, dropped: 0, failed: 0 });
      expect(backlog).toBeGreaterThan(0); // on disk, not in memory
      expect(backlog + (health.delivered ?? 0)).toBe(RECORDS);
      if (scenario.kind === 'slow') {
        expect(health.delivered).toBeGreaterThan(0);
        expect(health.lastError).toBeNull(); // slow is not failed: no timeout fired
      } else {
        expect(health.lastError).toMatch(/ETIMEDOUT/); // the timeout fired and is reported
        if (scenario.id !== 'hung-tcp') expect(health).toMatchObject({ ok: false, delivered: 0 });
      }
      expect(server.connections).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
