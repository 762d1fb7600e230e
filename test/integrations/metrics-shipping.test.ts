import { join } from 'node:path';
import { createLogger, metricsText } from '../../src';
import { HttpReceiver } from '../support/http-receiver';
import { tempDir } from '../support/run-fixture';

/** The value of one sample of `metricsText()`, by its name and labels as written. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('shipping metrics for the alert rules', () => {
  it('counts the records a receiver refused for good as dead letters, and serves the spool cap', async () => {
    const receiver = await HttpReceiver.start(() => ({ status: 400, body: 'unknown field' }));
    const log = createLogger({
      name: 'checkout',
      capture: false,
      shutdown: false,
      warnings: false,
      transports: [{ type: 'http', url: `${receiver.url}/ingest`, format: 'ndjson', spool: { dir: join(tempDir('metrics-shipping'), 'spool'), maxBytes: '8M' } }],
    });
    try {
      for (let i = 0; i < 3; i++) log.info('order placed', { i });
      const report = await log.flush({ delivered: true, timeoutMs: 20_000 });
      expect(report.complete).toBe(true);
      const transport = log.health().transports[0]!;
      expect(transport).toMatchObject({ deadLetters: 3, failed: 3, spoolMaxBytes: 8 * 1024 * 1024 });
      const text = metricsText({ log });
      const labels = `{logger="checkout",transport="${transport.name}"}`;
      expect(sample(text, `prodlog_transport_dead_letters_total${labels}`)).toBe(3);
      expect(sample(text, `prodlog_transport_failed_total${labels}`)).toBe(3);
      expect(sample(text, `prodlog_spool_max_bytes${labels}`)).toBe(8 * 1024 * 1024);
    } finally {
      await log.close();
      await receiver.close();
    }
  });
});
