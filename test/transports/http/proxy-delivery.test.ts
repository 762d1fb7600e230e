import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../../src';
import { logStartup } from '../../../src/integrations/startupRecord';
import { selfSignedCertificate } from '../../support/certificates';
import { HttpProxy } from '../../support/http-proxy';
import { HttpReceiver } from '../../support/http-receiver';
import { memoryLogger } from '../../support/memory-logger';
import { httpsReceiver as startHttpsReceiver, shipThrough, type HttpsReceiver } from '../../support/proxied-shipping';
import { cli } from '../../support/prodlog-cli';
import { tempDir } from '../../support/run-fixture';

/**
 * HTTP shipping through a forward proxy (test/support/http-proxy.ts), from a
 * service in its own process whose environment names the proxy: HTTPS
 * through a CONNECT tunnel, with TLS to the receiver inside it; HTTP as
 * requests for the absolute URL; NO_PROXY and the `proxy` option.
 */

const dir = tempDir('http-proxy');
const LOOPBACK = selfSignedCertificate(dir, 'loopback', 'DNS:localhost,IP:127.0.0.1');
/** A password with characters a URL must escape. */
const PASSWORD = 'pr0xy p@ss';
const PROXY_USER = `shipper:${PASSWORD}`;
const withCredentials = (proxy: HttpProxy): string => `http://shipper:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`;
/** Nothing listens there: a proxy named by the environment that must not be used. */
const DEAD_PROXY = 'http://127.0.0.1:9';
const ship = (transport: Record<string, unknown>, env: Record<string, string>, until?: 'deliver' | 'fail'): ReturnType<typeof shipThrough> => shipThrough(transport, env, LOOPBACK, until);
const httpsReceiver = (): Promise<HttpsReceiver> => startHttpsReceiver(LOOPBACK);

describe('HTTP shipping through a proxy', () => {
  let proxy: HttpProxy;
  beforeEach(async () => {
    proxy = await HttpProxy.start({ credentials: PROXY_USER });
  });
  afterEach(async () => {
    await proxy.close();
  });

  it('sends https:// through a CONNECT tunnel named by HTTPS_PROXY, with the proxy credentials in Proxy-Authorization and TLS to the receiver', async () => {
    const receiver = await httpsReceiver();
    try {
      const { health, stderr } = await ship({ url: receiver.url }, { HTTPS_PROXY: withCredentials(proxy), HTTP_PROXY: DEAD_PROXY });
      expect(health).toMatchObject({ delivered: 20, backlogRecords: 0 });
      expect(receiver.bodies.join('').split('\n').filter((l) => l !== '')).toHaveLength(20);
      const port = new URL(receiver.url).port;
      expect(proxy.requests.length).toBeGreaterThan(0);
      expect(proxy.requests.every((r) => r.method === 'CONNECT' && r.target === `127.0.0.1:${port}` && r.credentials === PROXY_USER)).toBe(true);
      expect(stderr).not.toContain(encodeURIComponent(PASSWORD));
    } finally {
      await receiver.close();
    }
  });

  it('sends http:// as requests for the absolute URL to the proxy HTTP_PROXY names', async () => {
    const receiver = await HttpReceiver.start();
    try {
      const { health } = await ship({ url: `${receiver.url}/ingest?table=logs` }, { http_proxy: withCredentials(proxy), HTTPS_PROXY: DEAD_PROXY });
      expect(health).toMatchObject({ delivered: 20, backlogRecords: 0 });
      expect(proxy.requests[0]).toEqual({ method: 'POST', target: `${receiver.url}/ingest?table=logs`, credentials: PROXY_USER });
      expect(receiver.requests.map((r) => r.headers['proxy-authorization'])).toEqual(receiver.requests.map(() => undefined));
    } finally {
      await receiver.close();
    }
  });

  it('connects directly to a receiver NO_PROXY names', async () => {
    const receiver = await HttpReceiver.start();
    try {
      const { health } = await ship({ url: receiver.url }, { HTTP_PROXY: withCredentials(proxy), NO_PROXY: 'example.com,127.0.0.1' });
      expect(health).toMatchObject({ delivered: 20, backlogRecords: 0 });
      expect(proxy.requests).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('takes the proxy option over the environment, and proxy: false connects directly', async () => {
    const receiver = await httpsReceiver();
    try {
      const viaOption = await ship({ url: receiver.url, proxy: withCredentials(proxy) }, { HTTPS_PROXY: DEAD_PROXY, NO_PROXY: '*' });
      expect(viaOption.health).toMatchObject({ delivered: 20, backlogRecords: 0 });
      const tunnels = proxy.requests.length;
      expect(tunnels).toBeGreaterThan(0);
      const direct = await ship({ url: receiver.url, proxy: false }, { HTTPS_PROXY: DEAD_PROXY });
      expect(direct.health).toMatchObject({ delivered: 20, backlogRecords: 0 });
      expect(proxy.requests).toHaveLength(tunnels);
    } finally {
      await receiver.close();
    }
  });

  it('reports a proxy that refuses the credentials as 407, keeping the records, without showing the password', async () => {
    const receiver = await httpsReceiver();
    try {
      const wrong = `http://shipper:wrong-${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`;
      const { health, stderr } = await ship({ url: receiver.url }, { HTTPS_PROXY: wrong }, 'fail');
      expect(health).toMatchObject({ ok: false, delivered: 0, backlogRecords: 20, lastError: expect.stringContaining('HTTP 407 (the proxy refused its credentials)') });
      expect(receiver.bodies).toEqual([]);
      for (const shown of [health.lastError ?? '', stderr]) {
        expect(shown).not.toContain(PASSWORD);
        expect(shown).not.toContain(encodeURIComponent(PASSWORD));
      }
    } finally {
      await receiver.close();
    }
  });
});

describe('the proxy option as shown', () => {
  const transport = { type: 'http', url: 'https://logs.example.com/v1/logs', format: 'otlp', proxy: `http://shipper:${encodeURIComponent(PASSWORD)}@proxy.corp:3128` };

  it('loses its credentials in the startup record', async () => {
    const { log, memory } = memoryLogger({ shutdown: false, redact: { defaults: false } });
    try {
      logStartup(log, resolveConfig({ transports: [transport] }, 'test'));
      expect(memory.records[0]).toMatchObject({ msg: 'startup', transports: [{ type: 'http', proxy: 'http://proxy.corp:3128' }] });
      expect(memory.lines[0]).not.toContain(encodeURIComponent(PASSWORD));
    } finally {
      await log.close();
    }
  });

  it('loses its credentials in prodlog check', () => {
    const path = join(dir, 'proxy-config.json');
    writeFileSync(path, JSON.stringify({ transports: [transport] }));
    const r = cli(['check', path]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ transports: [{ type: 'http', proxy: 'http://proxy.corp:3128' }] });
    expect(r.stdout).not.toContain(encodeURIComponent(PASSWORD));
    expect(r.stdout).not.toContain('shipper');
  });
});
