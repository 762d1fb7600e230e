import type { ShippedRecord } from './ShippedRecord';

/**
 * Builds a request body as bytes, string by string.
 *
 * Why not `body += s` and `Buffer.from(body)`: thousands of appends make a
 * rope string, and flattening and encoding it in one go was the largest
 * single item in a CPU profile of 200,000 records shipped to ClickHouse,
 * ahead of reading the spool. Encoding each small string straight into a
 * buffer that doubles when full touches every byte once.
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
export function estimateBodyBytes(records: readonly ShippedRecord[], extraCharsPerRecord: number): number {
  let chars = 0;
  for (const r of records) chars += r.line.length + extraCharsPerRecord;
  return Math.max(1024, chars);
}
