import type { Socket } from 'node:net';
import type { RejectedRecord, Sink, SinkResult, SpoolRecord } from '../shipping/Sink';
import { openSocket, type Endpoint } from './openSocket';
import { RelpParser, type RelpFrame } from './RelpParser';
import type { Rfc5424Encoder } from './Rfc5424Encoder';

export interface RelpSettings {
  /** Most syslog frames sent and not yet acknowledged. */
  readonly window: number;
  /** A session that acknowledges nothing for this long is taken as dead. */
  readonly ackTimeoutMs: number;
}

/** RELP transaction numbers run from 1 to 999,999,999 and then wrap to 1. */
const MAX_TXNR = 999_999_999;
const OFFERS = 'relp_version=0\nrelp_software=prodlog\ncommands=syslog';
const CLOSE_WAIT_MS = 1_000;

interface InFlightBatch {
  readonly records: readonly SpoolRecord[];
  readonly acked: Uint8Array;
  readonly rejected: RejectedRecord[];
  /** Index of the next record to send. */
  next: number;
  /** The transaction number of record 0; the batch's records go out with consecutive numbers. */
  firstTxnr: number;
  /** Records [0, prefix) are all acknowledged. */
  prefix: number;
  readonly resolve: (result: SinkResult) => void;
}

/**
 * A RELP client (the Reliable Event Logging Protocol of rsyslog; no client
 * exists on npm, so it is written here). One session per connection:
 * `open` with offers, then `syslog` frames, each acknowledged by an `rsp`
 * with "200 OK", up to `window` of them outstanding, and `close`. A batch is
 * accepted up to the longest acknowledged prefix: after a dropped connection
 * the shipping core sends the unacknowledged rest again on a new session, so
 * only acknowledged records ever leave the spool. rsyslog acknowledges once a
 * message is in its queue, which makes delivery at-least-once (duplicates
 * carry the same id).
 */
export class RelpSink implements Sink {
  readonly endpoint: string;
  /**
   * Batches outstanding at once: enough that the window does not drain at
   * each batch boundary (docs/design.md, "The RELP window"). The window
   * still caps frames in flight, and memory stays a few batches.
   */
  readonly maxInFlight = 4;
  private socket: Socket | null = null;
  private parser = new RelpParser();
  private txnr = 0;
  /** Transaction number to the batch and index of the record it carries. */
  private readonly control = new Map<number, (frame: RelpFrame) => void>();
  /** Batches being sent, oldest first; `window` counts frames across all of them. */
  private batches: InFlightBatch[] = [];
  private inFlight = 0;
  private ackTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private opening: Promise<void> | null = null;
  private pumpScheduled = false;

  constructor(
    private readonly target: Endpoint,
    private readonly encoder: Rfc5424Encoder,
    private readonly settings: RelpSettings,
  ) {
    this.endpoint = `relp${target.tls ? '+tls' : ''}://${target.host}:${target.port}`;
  }

  async send(records: readonly SpoolRecord[]): Promise<SinkResult> {
    try {
      await this.session();
    } catch (err) {
      return { accepted: 0, error: { error: err as Error, retryable: true } };
    }
    return new Promise((resolve) => {
      if (this.batches.length === 0) this.armAckTimer();
      this.batches.push({ records, acked: new Uint8Array(records.length), rejected: [], next: 0, firstTxnr: 0, prefix: 0, resolve });
      this.socket?.ref();
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    if (!socket) return;
    if (this.batches.length > 0) {
      this.broken(new Error(`${this.endpoint}: closed with records unacknowledged`));
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, CLOSE_WAIT_MS);
      this.control.set(this.write('close', ''), () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.broken(null);
  }

  /** Concurrent sends share one session, and one attempt to open it. */
  private session(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.endpoint}: the transport is closed`));
    if (this.socket && !this.opening) return Promise.resolve();
    this.opening ??= this.open().finally(() => (this.opening = null));
    return this.opening;
  }

  private async open(): Promise<void> {
    const socket = await openSocket(this.target);
    if (this.closed) {
      socket.destroy(); // close() came while connecting: nothing may stay open after it
      throw new Error(`${this.endpoint}: the transport is closed`);
    }
    this.socket = socket;
    this.parser = new RelpParser();
    this.txnr = 0;
    // Events of a connection already given up on must not end its successor.
    socket.on('data', (chunk: Buffer) => this.socket === socket && this.received(chunk));
    socket.on('error', (err) => this.socket === socket && this.broken(err));
    socket.on('close', () => this.socket === socket && this.broken(new Error(`${this.endpoint} closed the connection`)));
    const answer = await new Promise<RelpFrame>((resolve, reject) => {
      const t = setTimeout(() => reject(Object.assign(new Error(`${this.endpoint}: no answer to RELP open`), { code: 'ETIMEDOUT' })), this.settings.ackTimeoutMs);
      this.control.set(this.write('open', OFFERS), (frame) => {
        clearTimeout(t);
        resolve(frame);
      });
    }).catch((err: unknown) => {
      this.broken(err as Error);
      throw err;
    });
    if (!answer.data.startsWith('200')) {
      const err = new Error(`${this.endpoint} refused the RELP session: ${answer.data.split('\n')[0] ?? ''}`);
      this.broken(err);
      throw err;
    }
    socket.unref();
  }

  /** Sends syslog frames until `window` are outstanding, as one write. */
  private pump(): void {
    if (!this.socket) return;
    let out = '';
    for (const b of this.batches) {
      while (b.next < b.records.length && this.inFlight < this.settings.window) {
        const message = this.encoder.encode(b.records[b.next] as SpoolRecord);
        const txnr = this.nextTxnr();
        if (b.next === 0) b.firstTxnr = txnr;
        out += relpFrame(txnr, 'syslog', message);
        b.next++;
        this.inFlight++;
      }
    }
    if (out !== '') this.socket.write(out);
  }

  private received(chunk: Buffer): void {
    let frames: RelpFrame[];
    try {
      frames = this.parser.push(chunk, this.onOk);
    } catch (err) {
      this.broken(err as Error);
      return;
    }
    for (const frame of frames) {
      if (frame.command === 'serverclose') {
        this.broken(new Error(`${this.endpoint} ended the RELP session (serverclose)`));
        return;
      }
      if (frame.command !== 'rsp') continue;
      const waiter = this.control.get(frame.txnr);
      if (waiter) {
        this.control.delete(frame.txnr);
        waiter(frame);
      } else {
        this.acknowledged(frame.txnr, `RELP ${frame.data.split('\n')[0] ?? ''}`);
      }
    }
    // Refill once per turn of the event loop, after every answer that arrived in it: one write
    // for many frames, still soon enough that our frames carry the TCP ACK for the answers
    // (docs/design.md, "The RELP window").
    if (this.batches.length > 0 && !this.pumpScheduled) {
      this.pumpScheduled = true;
      setImmediate(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  /** A "200 OK" answer, from the parser's fast path. */
  private readonly onOk = (txnr: number): void => {
    const waiter = this.control.get(txnr);
    if (!waiter) {
      this.acknowledged(txnr, null);
      return;
    }
    this.control.delete(txnr);
    waiter({ txnr, command: 'rsp', data: '200 OK' });
  };

  /** The answer for `txnr`: `refusal` is null for 200 OK, else the receiver's reason. */
  private acknowledged(txnr: number, refusal: string | null): void {
    const found = this.locate(txnr);
    if (!found) return;
    const [b, index] = found;
    this.ackTimer?.refresh();
    if (refusal !== null) b.rejected.push({ index, reason: refusal });
    b.acked[index] = 1;
    this.inFlight--;
    while (b.prefix < b.records.length && b.acked[b.prefix] === 1) b.prefix++;
    if (b.prefix === b.records.length) this.finish(b, { accepted: b.prefix, rejected: b.rejected });
  }

  /** The batch and index a transaction number was sent for (numbers are consecutive within a batch). */
  private locate(txnr: number): [InFlightBatch, number] | null {
    for (const b of this.batches) {
      if (b.next === 0) continue;
      const index = (txnr - b.firstTxnr + MAX_TXNR) % MAX_TXNR;
      if (index < b.next) return b.acked[index] === 1 ? null : [b, index];
    }
    return null;
  }

  private finish(b: InFlightBatch, result: SinkResult): void {
    this.batches = this.batches.filter((x) => x !== b);
    if (this.batches.length === 0) {
      clearTimeout(this.ackTimer);
      this.socket?.unref();
    }
    b.resolve(result);
  }

  /** The session is over (error, timeout, server close): the batch ends at its acknowledged prefix. */
  private broken(err: Error | null): void {
    const socket = this.socket;
    this.socket = null;
    for (const waiter of this.control.values()) waiter({ txnr: 0, command: 'rsp', data: `500 ${err?.message ?? 'closed'}` });
    this.control.clear();
    socket?.destroy();
    this.inFlight = 0;
    for (const b of this.batches) {
      const rejected = b.rejected.filter((r) => r.index < b.prefix);
      this.finish(b, { accepted: b.prefix, rejected, error: { error: err ?? new Error('RELP session closed'), retryable: true } });
    }
  }

  private armAckTimer(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = setTimeout(() => {
      this.broken(Object.assign(new Error(`${this.endpoint}: no RELP acknowledgement for ${this.settings.ackTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, this.settings.ackTimeoutMs);
    this.ackTimer.unref();
  }

  private write(command: string, data: string): number {
    const txnr = this.nextTxnr();
    this.socket?.write(relpFrame(txnr, command, data));
    return txnr;
  }

  private nextTxnr(): number {
    this.txnr = this.txnr >= MAX_TXNR ? 1 : this.txnr + 1;
    return this.txnr;
  }
}

/** One RELP frame: `TXNR SP COMMAND SP DATALEN [SP DATA] LF` (the RELP spec: no data, and no space before it, when the length is 0). */
function relpFrame(txnr: number, command: string, data: string): string {
  const len = Buffer.byteLength(data);
  return len > 0 ? `${txnr} ${command} ${len} ${data}\n` : `${txnr} ${command} 0\n`;
}
