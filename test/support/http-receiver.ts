import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as it came over the wire (compressed if it was). */
  readonly wireBody: Buffer;
  /** The body decoded: gunzipped when Content-Encoding says gzip. */
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A reply, or 'hang' to read the request and never answer. */
export type Responder = (req: ReceivedRequest) => Reply | 'hang';

/**
 * A real HTTP server on a free loopback port that keeps every request and
 * answers as the test scripts it: the receiver's side of the protocol, for
 * formats whose stores cannot run here.
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  responder: Responder = () => ({ status: 200 });
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  /** `port`: a given one (a receiver coming up where a transport has been failing to connect), else a free one. */
  static async start(responder?: Responder, port = 0): Promise<HttpReceiver> {
    let self: HttpReceiver | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const wireBody = Buffer.concat(chunks);
        const gzipped = req.headers['content-encoding'] === 'gzip';
        const received: ReceivedRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          wireBody,
          body: (gzipped ? gunzipSync(wireBody) : wireBody).toString('utf8'),
        };
        self!.requests.push(received);
        const reply = self!.responder(received);
        if (reply === 'hang') return;
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    self = new HttpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (responder) self.responder = responder;
    return self;
  }

  /** Currently open connections, to check that a cut-off request really closed its socket. */
  connections(): Promise<number> {
    return new Promise((resolve, reject) => this.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on (taken from the kernel, then released): connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
