import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a test opened (servers, Fastify apps, loggers), closed after each test of the file. */
export function closedAfterEach(): Array<{ close(): unknown }> {
  const opened: Array<{ close(): unknown }> = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });
  return opened;
}

/** A real node:http server on a free loopback port, closed with what `opened` holds; its base URL. */
export async function serveOnLoopback(handler: RequestListener, opened: Array<{ close(): unknown }>): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  opened.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
