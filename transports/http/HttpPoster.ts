import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { RequestTimeoutError } from './RequestTimeoutError';

const gzipAsync = promisify(gzip);

/** Enough for any error answer and a filtered bulk answer; the rest of a larger body is read and discarded. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

const IDLE_SOCKET_MS = 2_000;

/** zlib level 1, the fastest: log lines still shrink many times over (docs/design.md, "Deflate at level 1"). */
const GZIP_LEVEL = 1;

export interface HttpPosterSettings {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly compress: 'gzip' | undefined;
  /** The bound on one whole exchange: connect, send, answer. */
  readonly timeoutMs: number;
  /** The proxy the requests go through (see proxyFor), credentials included; undefined to connect directly. */
  readonly proxy?: string | undefined;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Bytes the request body took on the wire (after compression). */
  readonly sentBytes: number;
}

/**
 * POSTs one batch and reads the answer. Resolves with any HTTP status (what
 * a status means is the classifier's business); rejects only when there is
 * no answer: a network error or the timeout. One keep-alive connection is
 * reused between batches, which saves a handshake per batch, and matters
 * with TLS.
 *
 * node:http rather than fetch, so a hung receiver is cut off by destroying
 * the socket (docs/design.md, "node:http, not fetch").
 */
export class HttpPoster {
  private readonly agent: http.Agent;
  private readonly client: typeof http | typeof https;

  constructor(private readonly settings: HttpPosterSettings) {
    const isHttps = settings.url.protocol === 'https:';
    this.client = isHttps ? https : http;
    // An idle connection is closed after 2 s, before servers close theirs (ClickHouse after 3 s, Node after 5 s).
    const options = { keepAlive: true, maxSockets: 1, timeout: IDLE_SOCKET_MS };
    this.agent = settings.proxy === undefined ? new this.client.Agent(options) : proxyAgent(new URL(settings.proxy), isHttps, options);
  }

  async post(payload: Buffer, contentType: string): Promise<HttpAnswer> {
    const { compress } = this.settings;
    const body = compress === 'gzip' ? await gzipAsync(payload, { level: GZIP_LEVEL }) : payload;
    const headers: Record<string, string> = {
      ...this.settings.headers,
      'content-type': contentType,
      'content-length': String(body.length),
    };
    if (compress === 'gzip') headers['content-encoding'] = 'gzip';
    return this.send(body, headers);
  }

  /**
   * A keep-alive connection the server closed while idle fails on reuse with
   * ECONNRESET before the server saw anything; Node's documented remedy is to
   * send again on a new connection, once, which is safe for that reason.
   */
  private async send(body: Buffer, headers: Record<string, string>): Promise<HttpAnswer> {
    try {
      return await this.sendOnce(body, headers);
    } catch (err) {
      if (!(err as { reusedSocket?: boolean }).reusedSocket || (err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
      return this.sendOnce(body, headers);
    }
  }

  private sendOnce(body: Buffer, headers: Record<string, string>): Promise<HttpAnswer> {
    const { url, timeoutMs } = this.settings;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = this.client.request(url, { method: 'POST', headers, agent: this.agent });
      // Like a network error, the timeout names no URL: the sink adds its endpoint to every failure.
      const timer = setTimeout(() => req.destroy(new RequestTimeoutError(timeoutMs)), timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(Object.assign(err, { reusedSocket: req.reusedSocket }));
      };
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let length = 0;
        res.on('data', (chunk: Buffer) => {
          if (length >= MAX_RESPONSE_BYTES) return;
          chunks.push(chunk);
          length += chunk.length;
        });
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, sentBytes: body.length });
        });
      });
      req.end(body);
    });
  }

  /** Closes the idle keep-alive connection so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}

/**
 * An agent that sends through the proxy: an https:// target through a CONNECT
 * tunnel, with TLS to the target inside it (so the proxy sees neither the
 * records nor the headers); an http:// target as requests for the absolute
 * URL. The proxy's credentials go in a Proxy-Authorization header, never in
 * the URL the agent holds, which its debug output (DEBUG=https-proxy-agent)
 * prints.
 */
function proxyAgent(proxy: URL, httpsTarget: boolean, options: http.AgentOptions): http.Agent {
  const headers: Record<string, string> = {};
  if (proxy.username !== '' || proxy.password !== '') {
    const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const bare = new URL(proxy.href);
  bare.username = '';
  bare.password = '';
  return httpsTarget ? new HttpsProxyAgent(bare, { ...options, headers }) : new HttpProxyAgent(bare, { ...options, headers });
}
