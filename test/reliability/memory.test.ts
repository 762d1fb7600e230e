import { join } from 'node:path';
import { closedPort } from '../support/http-receiver';
import { LoadService } from '../support/load-service';
import { count, fullRun, megabytes, recordFigure } from '../support/reliability-figures';
import { tempDir } from '../support/run-fixture';

/** The documented bound (docs/RELIABILITY.md) on the peak resident memory of a service logging while its receivers are down. */
const RSS_BOUND = 200 * 1024 * 1024;
/** 1,000,000 under `npm run reliability`; a fifth of it in the normal suite, which must stay fast. */
const RECORDS = fullRun() ? 1_000_000 : 200_000;

async function downTransports(dir: string): Promise<Record<string, unknown>[]> {
  const [relpPort, httpPort] = [await closedPort(), await closedPort()];
  return [
    { type: 'file', path: join(dir, 'app.log') },
    { type: 'syslog', host: '127.0.0.1', port: relpPort, protocol: 'relp', spool: { dir: join(dir, 'relp-spool'), maxBytes: '1G' } },
    { type: 'http', url: `http://127.0.0.1:${httpPort}/v1/logs`, format: 'otlp', spool: { dir: join(dir, 'http-spool'), maxBytes: '1G' } },
  ];
}

const SHAPES = [
  // One loop that never yields: nothing but the synchronous appends can bound the memory.
  { name: 'in one tight loop that never yields', perTick: RECORDS },
  // Bursts of 1,000 with a yield between them: delivery attempts and retries run meanwhile.
  { name: 'in bursts of 1,000 with a yield between them', perTick: 1_000 },
] as const;

describe(`memory while every receiver is down: ${count(RECORDS)} records to a file, a RELP spool and an HTTP spool`, () => {
  it.each(SHAPES.map((s) => [s.name, s] as const))('%s: peak RSS stays under 200 MB', async (_name, shape) => {
    const dir = tempDir('rel-memory');
    const service = new LoadService({
      logger: { name: 'rel-memory', transports: await downTransports(dir) },
      steps: [{ log: { records: RECORDS, perTick: shape.perTick, pad: 150 } }, { health: true }],
    });
    const summary = await service.logSummary();
    const { health } = await service.health();
    const done = await service.done();
    recordFigure({
      id: `memory-${shape.perTick === RECORDS ? 'tight' : 'bursts'}`,
      fault: `${count(RECORDS)} records logged ${shape.name}, both receivers down (file, RELP spool, HTTP spool)`,
      happened:
        `logged in ${(summary.ms / 1000).toFixed(1)} s (${(summary.ms * 1000 / RECORDS).toFixed(1)} µs per record, three transports); ` +
        `spooled ${health.map((h) => count(h.backlogRecords ?? h.written)).slice(1).join(' and ')}, file ${count(health[0]?.written ?? 0)}.`,
      lost: `${count(health.reduce((n, h) => n + h.dropped + h.failed, 0))}`,
      duplicates: '-',
      memory: `peak RSS ${megabytes(done.peakRss)} (bound 200 MB)`,
    });
    expect(summary.logged).toBe(RECORDS);
    for (const h of health) expect(h).toMatchObject({ written: RECORDS, dropped: 0, failed: 0 });
    expect(done.peakRss).toBeLessThan(RSS_BOUND);
  });
});
