import { crc32 } from 'node:zlib';

/**
 * On-disk layout of a spool segment: a sequence of blocks, each a header and
 * a payload of JSON lines (each ending in "\n"; pino never writes a raw
 * newline inside a record).
 *
 *   offset  size  field
 *   0       4     magic "PLS1"
 *   4       4     payload length in bytes (uint32 LE)
 *   8       4     number of records in the payload
 *   12      4     index of the first record within the segment
 *   16      4     CRC-32 of bytes 0..15 followed by the payload
 *   20      n     payload
 *
 * One block is one synchronous append of up to ~64 KiB, so the checksum costs
 * one CRC pass per chunk rather than per record. A block cut short by a crash
 * (header or payload incomplete) or with a wrong checksum is detected and
 * skipped; the reader then looks for the next magic, so damage in the middle
 * of a segment costs only the damaged block.
 */
export const BLOCK_MAGIC = 0x31534c50; // "PLS1" little-endian
export const HEADER_BYTES = 20;
/** A payload larger than this is taken as a damaged header, not a real block. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export interface BlockHeader {
  readonly payloadBytes: number;
  readonly records: number;
  readonly firstIndex: number;
  readonly crc: number;
}

export function encodeHeader(payload: Buffer, records: number, firstIndex: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(BLOCK_MAGIC, 0);
  header.writeUInt32LE(payload.length, 4);
  header.writeUInt32LE(records, 8);
  header.writeUInt32LE(firstIndex, 12);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(0, 16))), 16);
  return header;
}

/** The header at `offset`, or null if the bytes there cannot be one (torn or damaged). */
export function decodeHeader(buf: Buffer, offset = 0): BlockHeader | null {
  if (buf.length - offset < HEADER_BYTES) return null;
  if (buf.readUInt32LE(offset) !== BLOCK_MAGIC) return null;
  const payloadBytes = buf.readUInt32LE(offset + 4);
  if (payloadBytes > MAX_PAYLOAD_BYTES) return null;
  return {
    payloadBytes,
    records: buf.readUInt32LE(offset + 8),
    firstIndex: buf.readUInt32LE(offset + 12),
    crc: buf.readUInt32LE(offset + 16),
  };
}

export function blockIsIntact(headerBytes: Buffer, header: BlockHeader, payload: Buffer): boolean {
  return payload.length === header.payloadBytes && crc32(payload, crc32(headerBytes.subarray(0, 16))) === header.crc;
}

const MAGIC_BYTES = Buffer.from('PLS1', 'latin1');

/** The offset of the next block magic at or after `from`, or -1. */
export function findMagic(buf: Buffer, from: number): number {
  return buf.indexOf(MAGIC_BYTES, from);
}
