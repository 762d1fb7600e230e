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
 */
export class StreamSink implements Sink {
  readonly endpoint: string;
  private socket: Socket | null = null;
  private closed = false;

  constructor(
    private readonly target: Endpoint,
    private readonly encoder: Rfc5424Encoder,
    private readonly framing: Framing,
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
      const finish = (err: Error | null | undefined): void => {
        if (settled) return;
        settled = true;
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
      socket.write(data, finish);
    });
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
    this.socket = socket;
    return socket;
  }

  private drop(socket: Socket): void {
    socket.destroy();
    if (this.socket === socket) this.socket = null;
  }
}
