import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface ProxiedRequest {
  /** CONNECT (a tunnel, for https:// targets) or the method of a forwarded request (http:// targets). */
  readonly method: string;
  /** host:port for CONNECT, the absolute URL for a forwarded request. */
  readonly target: string;
  /** The Proxy-Authorization header as received, decoded from Basic when it is. */
  readonly credentials: string | undefined;
}

/**
 * A forward proxy on a free loopback port, as HTTPS_PROXY and HTTP_PROXY name
 * them: CONNECT opens a tunnel to the target (TLS then runs end to end through
 * it), other methods are forwarded to the absolute URL they name. It keeps
 * what it was asked, and with `credentials` set answers 407 to anyone who
 * does not present them.
 */
export class HttpProxy {
  readonly requests: ProxiedRequest[] = [];
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(options: { credentials?: string } = {}): Promise<HttpProxy> {
    let self: HttpProxy | undefined;
    const admitted = (req: http.IncomingMessage): boolean => {
      const credentials = decodeBasic(req.headers['proxy-authorization']);
      self!.requests.push({ method: req.method ?? '', target: req.url ?? '', credentials });
      return options.credentials === undefined || credentials === options.credentials;
    };
    const server = http.createServer((req, res) => {
      if (!admitted(req)) {
        res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      delete headers['proxy-connection'];
      const upstream = http.request(req.url ?? '', { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      client.on('error', () => undefined);
      if (!admitted(req)) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const [host = '', port = ''] = splitHostPort(req.url ?? '');
      const target = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) target.write(head);
        target.pipe(client);
        client.pipe(target);
      });
      target.on('error', () => client.destroy());
      client.on('close', () => target.destroy());
      self!.sockets.add(target);
      target.on('close', () => self!.sockets.delete(target));
    });
    server.on('connection', (socket: net.Socket) => {
      self!.sockets.add(socket);
      socket.on('close', () => self!.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new HttpProxy(server, (server.address() as AddressInfo).port);
    return self;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function decodeBasic(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic (.+)$/i.exec(header);
  return match ? Buffer.from(match[1]!, 'base64').toString('utf8') : header;
}

/** `host:port` or `[v6]:port`. */
function splitHostPort(target: string): [string, string] {
  const colon = target.lastIndexOf(':');
  return [target.slice(0, colon).replace(/^\[|\]$/g, ''), target.slice(colon + 1)];
}
