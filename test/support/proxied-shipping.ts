import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TransportHealth } from '../../src/core/transport';
import type { TestCertificate } from './certificates';
import { LoadService } from './load-service';
import { tempDir } from './run-fixture';

/** The proxy variables blanked, so that the machine's own settings decide nothing. */
export const NO_PROXY_VARS = { HTTPS_PROXY: '', https_proxy: '', HTTP_PROXY: '', http_proxy: '', NO_PROXY: '', no_proxy: '' };

export interface HttpsReceiver {
  readonly url: string;
  /** Request bodies, as received. */
  readonly bodies: string[];
  close(): Promise<void>;
}

/** An HTTPS server on a free loopback port with `identity`, keeping every body and answering 200. */
export async function httpsReceiver(identity: TestCertificate): Promise<HttpsReceiver> {
  const bodies: string[] = [];
  const server = https.createServer(identity, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.end();
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`;
  return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Ships 20 records through an http transport (ndjson, its own spool, plus
 * `transport`) from a service in its own process whose environment is `env`
 * (the proxy variables blank unless set there; `trust` added to the trusted
 * CAs); returns the transport's health once they are delivered, or once it
 * reports a failure, and what the service wrote on stderr.
 */
export async function shipThrough(
  transport: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string>>,
  trust: TestCertificate,
  until: 'deliver' | 'fail' = 'deliver',
): Promise<{ health: TransportHealth; stderr: string }> {
  const options = { type: 'http', format: 'ndjson', spool: { dir: join(tempDir('proxied-spool'), 'spool') }, ...transport };
  const wait = until === 'deliver' ? [{ drain: 15_000 }, { health: true as const }] : [{ failing: 15_000 }];
  const service = new LoadService(
    { logger: { name: 'proxied', transports: [options] }, steps: [{ log: { records: 20, perTick: 20 } }, ...wait] },
    { env: { ...NO_PROXY_VARS, NODE_EXTRA_CA_CERTS: trust.certFile, ...env } },
  );
  const { health } = await service.health();
  await service.kill('SIGTERM');
  return { health: health[0]!, stderr: service.stderr };
}
