import http from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { RelpParser } from '../../transports/syslog/RelpParser';

/**
 * Receivers that misbehave on purpose, on free loopback ports, for the
 * fault-injection tests: they accept connections like a real receiver and
 * then are slow or never answer. The real stores (rsyslog, ClickHouse) cannot
 * be made to stall on demand; these speak just enough of each protocol to
 * reach the point where a client waits for an answer.
 */
export interface FaultServer {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Requests (HTTP) or messages (RELP) read in full, and how many of them were answered. */
  readonly received: number;
  readonly answered: number;
  /** What was received (HTTP bodies, syslog messages of RELP frames), when the server was asked to keep it. */
  readonly payloads: readonly string[];
  close(): Promise<void>;
}

export interface StallOptions {
  /** Keep every payload received in `payloads` (off by default: a soak receives hundreds of megabytes). */
  readonly keep?: boolean;
}

/**
 * The sockets and pending answers of one server, so that close() ends them
 * (a stalled client would keep server.close() waiting forever).
 */
class Stall {
  accepted = 0;
  received = 0;
  answered = 0;
  readonly payloads: string[] = [];
  private readonly open = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly delayMs: number,
    private readonly options: StallOptions = {},
  ) {}

  add(socket: Socket): void {
    this.accepted++;
    this.open.add(socket);
    socket.on('error', () => undefined); // the client going away is part of every scenario
    socket.once('close', () => this.open.delete(socket));
  }

  /** Counts (and keeps) a request or message read, and runs `answer` after the delay; never, when the delay is Infinity. */
  later(payload: string, answer: () => void): void {
    this.received++;
    if (this.options.keep) this.payloads.push(payload);
    if (this.delayMs === Infinity) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.answered++;
      answer();
    }, this.delayMs);
    this.timers.add(timer);
  }

  /** The test's view of `server`, listening on a free loopback port. */
  async serve(server: Server | http.Server): Promise<FaultServer> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below have their own `this`
    const stall = this;
    return {
      port,
      get connections() { return stall.accepted; },
      get received() { return stall.received; },
      get answered() { return stall.answered; },
      payloads: stall.payloads,
      close: () => {
        for (const t of stall.timers) clearTimeout(t);
        for (const s of stall.open) s.destroy();
        return new Promise((resolve) => server.close(() => resolve()));
      },
    };
  }
}

/**
 * Accepts TCP connections and never reads from them: the kernel's buffers
 * fill and then every write waits, as with a syslog receiver that hangs.
 */
export async function startHungTcpServer(): Promise<FaultServer> {
  const stall = new Stall(Infinity);
  const server = createServer((socket) => {
    stall.add(socket);
    socket.pause();
  });
  return stall.serve(server);
}

/**
 * Accepts TCP connections and reads everything, but never closes its side
 * after the client's FIN (a half-open connection, allowed by TCP): a client
 * that waits for the receiver to close must bound the wait itself.
 */
export async function startHalfOpenTcpServer(): Promise<FaultServer> {
  const stall = new Stall(Infinity);
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    stall.add(socket);
    socket.resume();
  });
  return stall.serve(server);
}

/**
 * Reads every request in full and answers 200 after `delayMs`, or never
 * when `delayMs` is Infinity: a slow or a hung HTTP log store.
 */
export async function startStallingHttpServer(delayMs: number, options?: StallOptions): Promise<FaultServer> {
  const stall = new Stall(delayMs, options);
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += options?.keep ? chunk : ''));
    req.on('end', () => stall.later(body, () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
  });
  server.on('connection', (socket: Socket) => stall.add(socket));
  // Node's own 5 s keep-alive and request timeouts would end a hung exchange for the client.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  return stall.serve(server);
}

/**
 * A RELP server that opens sessions at once and acknowledges each `syslog`
 * frame `delayMs` after it arrived, or never when `delayMs` is Infinity: a
 * slow or a hung rsyslog as a RELP client sees it. Frames are parsed with
 * the client's own parser (same frame grammar both ways).
 */
export async function startStallingRelpServer(delayMs: number, options?: StallOptions): Promise<FaultServer> {
  const stall = new Stall(delayMs, options);
  const server = createServer((socket) => {
    stall.add(socket);
    const parser = new RelpParser();
    const answer = (txnr: number, data: string): void => {
      if (!socket.destroyed) socket.write(`${txnr} rsp ${Buffer.byteLength(data)} ${data}\n`);
    };
    socket.on('data', (chunk: Buffer) => {
      let received;
      try {
        received = parser.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const frame of received) {
        if (frame.command === 'open') answer(frame.txnr, '200 OK\nrelp_version=0\ncommands=syslog');
        else if (frame.command === 'close') answer(frame.txnr, '200 OK');
        else if (frame.command === 'syslog') stall.later(frame.data, () => answer(frame.txnr, '200 OK'));
      }
    });
  });
  return stall.serve(server);
}
