import type { Socket } from 'node:net';
import type { Sink, SinkResult, SpoolRecord } from '../shipping/Sink';
import { frame, type Framing } from './framing';
import { openSocket, type Endpoint } from './openSocket';
import type { Rfc5424Encoder } from './Rfc5424Encoder';

/**
 * Syslog over plain TCP or TLS (RFC 6587 / RFC 5425). A batch counts as
 * accepted once the kernel has taken all of it: TCP has no application
 * acknowledgement, so what sits in the socket buffers when the receiver
 * crashes is lost (at most the kernel's buffers, a few hundred kB). RELP is
 * the protocol that closes that gap.
 *
 * A fresh connection is on probation: its first batch counts as accepted only
 * if the connection is still open PROBATION_MS after the write. A receiver
 * that refuses a client after the handshake (rsyslog requiring a client
 * certificate closes the connection once TLS is up; a TLS server on a plain
 * TCP client) would otherwise swallow one batch per reconnect while health
 * said all was well. Later batches on a proven connection do not wait.
 */
export const PROBATION_MS = 300;

export class StreamSink implements Sink {
  readonly endpoint: string;
  private socket: Socket | null = null;
  private closed = false;
  private readonly onProbation = new WeakSet<Socket>();

  constructor(
    private readonly target: Endpoint,
    private readonly encoder: Rfc5424Encoder,
    private readonly framing: Framing,
    /** How long a batch may wait for the kernel to take it: a receiver that stops reading is cut off after this. */
    private readonly writeTimeoutMs: number,
  ) {
    this.endpoint = `${target.tls ? 'tls' : 'tcp'}://${target.host}:${target.port}`;
  }

  async send(records: readonly SpoolRecord[]): Promise<SinkResult> {
    let socket: Socket;
    try {
      socket = await this.connected();
    } catch (err) {
      return { accepted: 0, error: { error: err as Error, retryable: true } };
    }
    let data = '';
    for (const r of records) data += frame(this.encoder.encode(r), this.framing);
    return new Promise((resolve) => {
      const onClose = (): void => finish(new Error(`${this.endpoint} closed the connection`));
      let settled = false;
      const timer = setTimeout(
        () => finish(Object.assign(new Error(`${this.endpoint}: the receiver took no data for ${this.writeTimeoutMs} ms`), { code: 'ETIMEDOUT' })),
        this.writeTimeoutMs,
      );
      const finish = (err: Error | null | undefined): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('close', onClose);
        socket.unref();
        if (err) {
          this.drop(socket);
          resolve({ accepted: 0, error: { error: err, retryable: true } });
        } else {
          resolve({ accepted: records.length });
        }
      };
      socket.ref(); // a send in flight keeps the process alive; an idle connection does not
      socket.once('close', onClose);
      socket.write(data, (err) => {
        if (err || !this.onProbation.has(socket)) finish(err);
        else this.probation(socket, finish);
      });
    });
  }

  /** Calls `done` once the fresh connection has stayed open PROBATION_MS after its first write, or with the reason it did not. */
  private probation(socket: Socket, done: (err: Error | null) => void): void {
    let timer: NodeJS.Timeout | undefined;
    const onError = (err: Error): void => settle(err);
    const onClose = (): void =>
      settle(new Error(`${this.endpoint} closed the connection right after it was opened: it refuses this client (a receiver that requires a TLS client certificate does this; see tls.cert and tls.key)`));
    const settle = (err: Error | null): void => {
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (!err) this.onProbation.delete(socket);
      done(err);
    };
    socket.once('error', onError);
    socket.once('close', onClose);
    timer = setTimeout(() => settle(null), PROBATION_MS);
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    });
  }

  private async connected(): Promise<Socket> {
    if (this.closed) throw new Error(`${this.endpoint}: the transport is closed`);
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = await openSocket(this.target);
    if (this.closed) {
      socket.destroy(); // close() came while connecting: nothing may stay open after it
      throw new Error(`${this.endpoint}: the transport is closed`);
    }
    socket.unref();
    // Syslog receivers send nothing back; an error or end means the connection is gone.
    socket.on('error', () => this.drop(socket));
    socket.on('end', () => this.drop(socket));
    socket.resume();
    this.onProbation.add(socket);
    this.socket = socket;
    return socket;
  }

  private drop(socket: Socket): void {
    socket.destroy();
    if (this.socket === socket) this.socket = null;
  }
}
