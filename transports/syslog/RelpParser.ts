/** One frame from a RELP server: `TXNR SP COMMAND SP DATALEN [SP DATA] LF`. */
export interface RelpFrame {
  readonly txnr: number;
  readonly command: string;
  readonly data: string;
}

const LF = 0x0a;
const SP = 0x20;
const EMPTY = Buffer.alloc(0);
/** librelp's own limit on a frame header is far below this; more means a broken stream. */
const MAX_HEADER = 64;

/**
 * Splits the bytes a RELP server sends into frames. Data arrives in pieces of
 * any size, so bytes are kept until a frame is complete. A malformed frame is
 * a protocol error: the caller drops the connection and starts a new session.
 *
 * A sender gets one `rsp` per message, so the common answer ("200 OK") is
 * parsed from the bytes and reported as a bare transaction number to `onOk`,
 * with no frame object or string made for it; every other frame is returned.
 */
export class RelpParser {
  private buffered: Buffer = EMPTY;

  push(chunk: Buffer, onOk?: (txnr: number) => void): RelpFrame[] {
    const buf = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: RelpFrame[] = [];
    let pos = 0;
    for (;;) {
      const next = this.frameAt(buf, pos, frames, onOk);
      if (next < 0) break;
      pos = next;
    }
    this.buffered = pos === buf.length ? EMPTY : buf.subarray(pos);
    return frames;
  }

  /** Parses the frame at `pos`; returns where the next one starts, or -1 if this one is incomplete. */
  private frameAt(buf: Buffer, pos: number, frames: RelpFrame[], onOk: ((txnr: number) => void) | undefined): number {
    let i = pos;
    let txnr = 0;
    while (i < buf.length && isDigit(buf[i]!)) txnr = txnr * 10 + (buf[i++]! - 0x30);
    if (i === buf.length) return incomplete(buf, pos);
    if (i === pos || buf[i] !== SP) throw new Error('RELP: malformed frame header');
    const commandStart = ++i;
    while (i < buf.length && buf[i]! >= 0x61 && buf[i]! <= 0x7a) i++;
    if (i === buf.length) return incomplete(buf, pos);
    if (i === commandStart || buf[i] !== SP) throw new Error('RELP: malformed frame header');
    const commandEnd = i++;
    const lenStart = i;
    let dataLen = 0;
    while (i < buf.length && isDigit(buf[i]!)) dataLen = dataLen * 10 + (buf[i++]! - 0x30);
    if (i === buf.length) return incomplete(buf, pos);
    if (i === lenStart) throw new Error('RELP: malformed frame header');
    // With data: "LEN SP DATA LF"; without: "0 LF" (some servers also send "0 SP LF").
    const dataStart = dataLen > 0 || buf[i] === SP ? i + 1 : i;
    const end = dataStart + dataLen;
    if (buf.length <= end) return -1;
    if (buf[end] !== LF) throw new Error('RELP: frame without its trailing LF');
    if (onOk && isRsp(buf, commandStart, commandEnd) && dataLen >= 3 && buf[dataStart] === 0x32 && buf[dataStart + 1] === 0x30 && buf[dataStart + 2] === 0x30) {
      onOk(txnr);
    } else {
      frames.push({ txnr, command: buf.toString('latin1', commandStart, commandEnd), data: buf.toString('utf8', dataStart, end) });
    }
    return end + 1;
  }
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function isRsp(buf: Buffer, start: number, end: number): boolean {
  return end - start === 3 && buf[start] === 0x72 && buf[start + 1] === 0x73 && buf[start + 2] === 0x70;
}

function incomplete(buf: Buffer, pos: number): number {
  if (buf.length - pos > MAX_HEADER) throw new Error('RELP: malformed frame header');
  return -1;
}
