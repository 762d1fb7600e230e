import https from 'node:https';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import type { TransportHealth } from '../../src/core/transport';
import { selfSignedCertificate, type TestCertificate } from '../support/certificates';
import { LoadService, type LoadStep } from '../support/load-service';
import { tempDir } from '../support/run-fixture';

/**
 * TLS verifies the receiver by default, for syslog over TLS, RELP over TLS
 * and HTTPS, and never falls back to plaintext. Each case runs a service in
 * its own process (HTTPS trusts a test CA only through NODE_EXTRA_CA_CERTS,
 * read at startup) against a local TLS server that counts what it receives.
 * test/transports/syslog/rsyslog.system.test.ts checks a self-signed
 * rsyslog; this adds a wrong name, HTTPS, and what goes on the wire when
 * verification fails.
 */

const dir = tempDir('sec-tls');

const certificate = (name: string, san: string): TestCertificate => selfSignedCertificate(dir, name, san);

const LOOPBACK = certificate('loopback', 'DNS:localhost,IP:127.0.0.1');
const OTHER = certificate('other.example', 'DNS:other.example');

interface Listening {
  readonly port: number;
  /** Bytes of application data received over TLS (for HTTPS: requests answered). */
  received: number;
  close(): Promise<void>;
}

async function listen(server: Server, state: { received: number }): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => sockets.add(s.on('close', () => sockets.delete(s))));
  return Object.assign(state, {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as Listening;
}

function tlsServer(identity: { cert: string; key: string }): Promise<Listening> {
  const state = { received: 0 };
  const server = tls.createServer(identity, (socket) => socket.on('data', (d: Buffer) => (state.received += d.length)).on('error', () => undefined));
  server.on('tlsClientError', () => undefined);
  return listen(server, state);
}

function httpsServer(identity: { cert: string; key: string }): Promise<Listening> {
  const state = { received: 0 };
  const server = https.createServer(identity, (req, res) => {
    req.resume().on('end', () => {
      state.received++;
      res.end('{}');
    });
  });
  server.on('tlsClientError', () => undefined);
  return listen(server, state);
}

type Kind = 'syslog+tls' | 'https';
const transportFor = (kind: Kind, port: number, ca?: string): Record<string, unknown> =>
  kind === 'https'
    ? { type: 'http', url: `https://127.0.0.1:${port}/v1/logs`, format: 'otlp', batch: { interval: '0s' }, timeout: '2s' }
    : { type: 'syslog', host: '127.0.0.1', port, protocol: 'tls', ...(ca ? { tls: { ca } } : {}) };

/**
 * Ships 20 records from a child process trusting `trust` (if given); returns the transport's
 * health once they are delivered ('deliver') or once it reports an error ('refuse').
 */
async function ship(kind: Kind, port: number, trust: { cert: string; certFile: string } | undefined, expect: 'deliver' | 'refuse'): Promise<TransportHealth> {
  const transport = { ...transportFor(kind, port, trust?.cert), spool: { dir: join(tempDir('sec-tls-spool'), 'spool') }, retry: { initial: '100ms', max: '500ms' }, closeTimeout: '200ms' };
  // No close() at the end: what close does is tested elsewhere, and it must not decide this test.
  const wait: LoadStep[] = expect === 'deliver' ? [{ drain: 10_000 }, { health: true }] : [{ failing: 10_000 }];
  const env: Record<string, string> = kind === 'https' && trust ? { NODE_EXTRA_CA_CERTS: trust.certFile } : {};
  const service = new LoadService({ logger: { name: 'sec-tls', transports: [transport] }, steps: [{ log: { records: 20, perTick: 20 } }, ...wait] }, { env });
  const { health } = await service.health();
  await service.done();
  return health[0]!;
}

type Identity = typeof LOOPBACK;
const CASES: [string, Identity, Identity | undefined, RegExp | null][] = [
  ['a self-signed certificate not given as a CA is refused; nothing is sent, the records stay spooled', LOOPBACK, undefined, /SELF_SIGNED|self[- ]signed/i],
  ['a trusted certificate for another name is refused', OTHER, OTHER, /ALTNAME|does not match|not in the cert/i],
  ['the right name under a trusted CA delivers (the control case)', LOOPBACK, LOOPBACK, null],
];
const KINDS: Kind[] = ['syslog+tls', 'https'];

describe('TLS verifies the receiver by default', () => {
  it.each(KINDS.flatMap((kind) => CASES.map((c) => [kind, ...c] as const)))('%s: %s', async (kind, _case, identity, trust, refusal) => {
    const server = await (kind === 'https' ? httpsServer(identity) : tlsServer(identity));
    try {
      const health = await ship(kind, server.port, trust, refusal ? 'refuse' : 'deliver');
      if (refusal) {
        expect(health).toMatchObject({ ok: false, delivered: 0, backlogRecords: 20, lastError: expect.stringMatching(refusal) });
        expect(server.received).toBe(0);
      } else {
        expect(health).toMatchObject({ delivered: 20, backlogRecords: 0 });
        expect(server.received).toBeGreaterThan(0);
      }
    } finally {
      await server.close();
    }
  });
});

describe('no plaintext fallback', () => {
  it('syslog over TLS, RELP over TLS and HTTPS open every connection with a TLS handshake, even when the handshake keeps failing', async () => {
    const firstBytes: number[] = [];
    const plain = createServer((socket) => {
      socket.once('data', (d: Buffer) => {
        firstBytes.push(d[0]!);
        socket.end('this is not TLS\n'); // the client's handshake fails on this answer
      });
      socket.on('error', () => undefined);
    });
    const server = await listen(plain, { received: 0 });
    try {
      const relpTls = { type: 'syslog', host: '127.0.0.1', port: server.port, protocol: 'relp', tls: { ca: LOOPBACK.cert, cert: LOOPBACK.cert, key: LOOPBACK.key } };
      const service = new LoadService({
        logger: {
          name: 'sec-plain',
          transports: [transportFor('syslog+tls', server.port, LOOPBACK.cert), relpTls, transportFor('https', server.port)].map((t, k) => ({
            ...t,
            spool: { dir: join(tempDir('sec-plain'), `spool-${k}`) },
            retry: { initial: '50ms', max: '100ms' },
            closeTimeout: '200ms',
          })),
        },
        steps: [{ log: { records: 10, perTick: 10 } }, { failing: 5_000 }, { drain: 1_000 }, { close: true }],
      });
      const done = await service.done();
      expect(firstBytes.length).toBeGreaterThanOrEqual(3);
      expect(firstBytes.every((b) => b === 0x16)).toBe(true); // a TLS handshake record, never "<", a digit or "POST"
      for (const h of done.health) expect(h).toMatchObject({ delivered: 0, backlogRecords: 10 });
    } finally {
      await server.close();
    }
  });
});
