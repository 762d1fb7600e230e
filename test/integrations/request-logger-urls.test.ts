import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestLogger } from '../../src';
import { memoryLogger } from '../support/memory-logger';

/**
 * The request logger records request headers; those that hold URLs (Referer,
 * X-Forwarded-Uri, X-Original-Url, a Location a proxy passes on) often carry
 * credentials in their query strings: OAuth codes and tokens, passwords in
 * reset links. Real node:http server and client on 127.0.0.1.
 */

async function logOneRequest(headers: Record<string, string>, defaults: boolean): Promise<Record<string, unknown>> {
  const { log, memory } = memoryLogger({ redact: { defaults } });
  const server = http.createServer((req, res) => {
    requestLogger(log)(req, res);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/callback?code=S3CR3T-path-code', agent: false, headers }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
  await new Promise((resolve) => server.close(resolve));
  await log.flush();
  expect(memory.records).toHaveLength(1);
  return memory.records[0]!;
}

const HEADERS = {
  referer: 'https://idp.example/authorize?client_id=shop&code=S3CR3T-referer-code&state=abc',
  'x-forwarded-uri': '/login?next=%2Fhome&password=S3CR3T-forwarded-password&access_token=S3CR3T-forwarded-token',
  'x-original-url': '/reset?token=S3CR3T-original-token',
  location: 'https://shop.example/cb?id_token=S3CR3T-location-id-token#access_token=S3CR3T-location-fragment',
  'x-callback': 'postgres://app:S3CR3T-db-password@db.internal:5432/shop',
};

describe('request logger: URL-like header values', () => {
  it.each([true, false])('censors secret query parameters and URL passwords in every URL-like value (redact.defaults %s)', async (defaults) => {
    const record = await logOneRequest(HEADERS, defaults);
    const line = JSON.stringify(record);
    expect(line.match(/S3CR3T-[a-z-]+/g) ?? []).toEqual([]);
    expect(record['path']).toBe('/callback');
    expect(record['headers']).toMatchObject({
      referer: 'https://idp.example/authorize?client_id=shop&code=[Redacted]&state=abc',
      'x-forwarded-uri': '/login?next=%2Fhome&password=[Redacted]&access_token=[Redacted]',
      'x-original-url': '/reset?token=[Redacted]',
      location: 'https://shop.example/cb?id_token=[Redacted]#access_token=[Redacted]',
      'x-callback': 'postgres://app:[Redacted]@db.internal:5432/shop',
    });
  });

  it('leaves URLs without credentials as they are', async () => {
    const record = await logOneRequest({ referer: 'https://shop.example/orders?page=2&sort=desc', 'x-forwarded-uri': '/orders/42' }, true);
    expect(record['headers']).toMatchObject({ referer: 'https://shop.example/orders?page=2&sort=desc', 'x-forwarded-uri': '/orders/42' });
  });
});
