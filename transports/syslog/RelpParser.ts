/** One frame from a RELP server: `TXNR SP COMMAND SP DATALEN [SP DATA] LF`. */
export interface RelpFrame {
  readonly txnr: number;
  readonly command: string;
  readonly data: string;
}

const LF = 0x0a;
const SP = 0x20;
/** librelp's own limit on a frame header is far below this; more means a broken stream. */
const MAX_HEADER = 64;

/**
 * Splits the bytes a RELP server sends into frames. Data arrives in pieces of
 * any size, so bytes are kept until a frame is complete. A malformed frame is
 * a protocol error: the caller drops the connection and starts a new session.
 */
export class RelpParser {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RelpFrame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: RelpFrame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) break;
      frames.push(frame);
    }
    return frames;
  }

  private next(): RelpFrame | null {
    const buf = this.buffered;
    const sp1 = buf.indexOf(SP);
    const sp2 = sp1 < 0 ? -1 : buf.indexOf(SP, sp1 + 1);
    if (sp2 < 0) {
      if (buf.length > MAX_HEADER) throw new Error('RELP: malformed frame header');
      return null;
    }
    let lenEnd = sp2 + 1;
    while (lenEnd < buf.length && buf[lenEnd]! >= 0x30 && buf[lenEnd]! <= 0x39) lenEnd++;
    if (lenEnd === buf.length) return null;
    const txnr = Number(buf.toString('latin1', 0, sp1));
    const command = buf.toString('latin1', sp1 + 1, sp2);
    const dataLen = Number(buf.toString('latin1', sp2 + 1, lenEnd));
    if (!Number.isInteger(txnr) || lenEnd === sp2 + 1 || !/^[a-z]+$/.test(command)) throw new Error('RELP: malformed frame header');
    // With data: "LEN SP DATA LF"; without: "0 LF" (some servers also send "0 SP LF").
    const dataStart = dataLen > 0 || buf[lenEnd] === SP ? lenEnd + 1 : lenEnd;
    const end = dataStart + dataLen;
    if (buf.length <= end) return null;
    if (buf[end] !== LF) throw new Error('RELP: frame without its trailing LF');
    const data = buf.toString('utf8', dataStart, end);
    this.buffered = buf.subarray(end + 1);
    return { txnr, command, data };
  }
}
