import { selfSignedCertificate } from '../../support/certificates';
import { HttpReceiver } from '../../support/http-receiver';
import { httpsReceiver, shipThrough } from '../../support/proxied-shipping';
import { tempDir } from '../../support/run-fixture';
import { Tinyproxy } from '../../support/tinyproxy';

/**
 * HTTP shipping through tinyproxy, a proxy as deployed (Debian package), with
 * Basic credentials: HTTPS through its CONNECT tunnel, HTTP forwarded, and a
 * wrong password refused with 407. test/transports/http/proxy-delivery.test.ts
 * covers NO_PROXY and the proxy option against a proxy of the test support.
 */

const LOOPBACK = selfSignedCertificate(tempDir('tinyproxy-certs'), 'loopback', 'DNS:localhost,IP:127.0.0.1');
const USER = 'shipper';
const PASSWORD = 'tiny-s3cret';

describe('HTTP shipping through tinyproxy', () => {
  let proxy: Tinyproxy;
  const proxyUrl = (password = PASSWORD): string => `http://${USER}:${password}@127.0.0.1:${proxy.port}`;
  beforeAll(async () => {
    proxy = await Tinyproxy.start({ user: USER, password: PASSWORD });
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('delivers to an https:// receiver through its CONNECT tunnel, TLS verified end to end', async () => {
    const receiver = await httpsReceiver(LOOPBACK);
    try {
      const { health } = await shipThrough({ url: receiver.url }, { HTTPS_PROXY: proxyUrl() }, LOOPBACK);
      expect(health).toMatchObject({ delivered: 20, backlogRecords: 0 });
      expect(receiver.bodies.join('').split('\n').filter((l) => l !== '')).toHaveLength(20);
      expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(receiver.url).port}`);
    } finally {
      await receiver.close();
    }
  });

  it('delivers to an http:// receiver by forwarding', async () => {
    const receiver = await HttpReceiver.start();
    try {
      const { health } = await shipThrough({ url: `${receiver.url}/ingest` }, { HTTP_PROXY: proxyUrl() }, LOOPBACK);
      expect(health).toMatchObject({ delivered: 20, backlogRecords: 0 });
      expect(receiver.requests.length).toBeGreaterThan(0);
      expect(proxy.log()).toContain(`POST ${receiver.url}/ingest`);
    } finally {
      await receiver.close();
    }
  });

  // tinyproxy 1.11 answers a CONNECT with a wrong password 401 where RFC 9110 says 407; both are refused credentials.
  it('keeps the records when tinyproxy refuses the password, naming neither password', async () => {
    const receiver = await httpsReceiver(LOOPBACK);
    try {
      const { health, stderr } = await shipThrough({ url: receiver.url }, { HTTPS_PROXY: proxyUrl('wrong-pass') }, LOOPBACK, 'fail');
      expect(health).toMatchObject({ ok: false, delivered: 0, backlogRecords: 20, lastError: expect.stringMatching(/HTTP 40[17]: .*\(the (proxy refused its )?credentials/) });
      expect(receiver.bodies).toEqual([]);
      for (const shown of [health.lastError ?? '', stderr]) {
        expect(shown).not.toContain('wrong-pass');
        expect(shown).not.toContain(PASSWORD);
      }
    } finally {
      await receiver.close();
    }
  });
});
