import type { SpoolRecord } from '../../shipping/Sink';

/**
 * Builds a request body as bytes, string by string.
 *
 * Each small string is encoded straight into a buffer that doubles when
 * full, which touches every byte once; `body += s` then `Buffer.from(body)`
 * flattens a rope of thousands of strings (docs/design.md, "Strings into
 * bytes").
 */
export class BodyBuilder {
  private buf: Buffer;
  private length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  append(text: string): this {
    // 3 bytes per UTF-16 unit is the UTF-8 worst case (a surrogate pair is 2 units, 4 bytes).
    const worst = text.length * 3;
    if (this.length + worst > this.buf.length) this.grow(this.length + worst);
    this.length += this.buf.write(text, this.length, 'utf8');
    return this;
  }

  /** The bytes written so far (a view, not a copy). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  private grow(needed: number): void {
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
}

/**
 * Initial room for a body made of the records' lines plus `extraCharsPerRecord`
 * characters each, so that mostly-ASCII batches are built without growing.
 */
export function estimateBodyBytes(records: readonly SpoolRecord[], extraCharsPerRecord: number): number {
  let chars = 0;
  for (const r of records) chars += r.line.length + extraCharsPerRecord;
  return Math.max(1024, chars);
}
