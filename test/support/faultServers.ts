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
  /** Connections accepted so far. */
  readonly connections: number;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The sockets and pending answers of one server, so that close() ends them
 * (a stalled client would keep server.close() waiting forever).
 */
class Stall {
  accepted = 0;
  private readonly open = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  add(socket: Socket): void {
    this.accepted++;
    this.open.add(socket);
    socket.on('error', () => undefined); // the client going away is part of every scenario
    socket.once('close', () => this.open.delete(socket));
  }

  /** Runs `answer` after the delay; never, when the delay is Infinity. */
  later(answer: () => void): void {
    if (this.delayMs === Infinity) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      answer();
    }, this.delayMs);
    this.timers.add(timer);
  }

  close(server: Server | http.Server): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.open) s.destroy();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

async function listen(server: Server | http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
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
  const port = await listen(server);
  return { port, get connections() { return stall.accepted; }, close: () => stall.close(server) };
}

export interface StallingHttpServer extends FaultServer {
  readonly url: string;
  /** Requests read in full. */
  readonly requests: number;
  /** Requests answered (200). */
  readonly answered: number;
}

/**
 * Reads every request in full and answers 200 after `delayMs`, or never
 * when `delayMs` is Infinity: a slow or a hung HTTP log store.
 */
export async function startStallingHttpServer(delayMs: number): Promise<StallingHttpServer> {
  const stall = new Stall(delayMs);
  let requests = 0;
  let answered = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      stall.later(() => {
        answered++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  });
  server.on('connection', (socket: Socket) => stall.add(socket));
  // Node's own 5 s keep-alive and request timeouts would end a hung exchange for the client.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  const port = await listen(server);
  return {
    port,
    url: `http://127.0.0.1:${port}/v1/logs`,
    get connections() { return stall.accepted; },
    get requests() { return requests; },
    get answered() { return answered; },
    close: () => stall.close(server),
  };
}

export interface StallingRelpServer extends FaultServer {
  /** syslog frames received, and acknowledged. */
  readonly frames: number;
  readonly acknowledged: number;
}

/**
 * A RELP server that opens sessions at once and acknowledges each `syslog`
 * frame `delayMs` after it arrived, or never when `delayMs` is Infinity: a
 * slow or a hung rsyslog as a RELP client sees it. Frames are parsed with
 * the client's own parser (same frame grammar both ways).
 */
export async function startStallingRelpServer(delayMs: number): Promise<StallingRelpServer> {
  const stall = new Stall(delayMs);
  let frames = 0;
  let acknowledged = 0;
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
        else if (frame.command === 'syslog') {
          frames++;
          stall.later(() => {
            acknowledged++;
            answer(frame.txnr, '200 OK');
          });
        }
      }
    });
  });
  const port = await listen(server);
  return {
    port,
    get connections() { return stall.accepted; },
    get frames() { return frames; },
    get acknowledged() { return acknowledged; },
    close: () => stall.close(server),
  };
}
