/**
 * Lines are joined into chunks of about this many characters before a write.
 * Exported so that every transport that writes chunks can use the same size.
 */
export const DEFAULT_CHUNK_CHARS = 64 * 1024;

/**
 * Where a chunk of whole lines goes, `records` of them, written synchronously.
 * It must not throw: each sink counts or reports its own failures.
 */
export type ChunkSink = (data: string, records: number) => void;

/**
 * Buffers lines and hands them to a sink in chunks of about 64 KiB, which the
 * sink writes synchronously: the console (ConsoleSink), a file
 * that rotates between chunks (file transport), a checksummed block of the
 * spool (SpoolWriter).
 *
 * Synchronous, because such a write is finished when it returns: at most one
 * chunk is ever pending, and FATAL needs nothing but one more write
 * (docs/design.md, "Synchronous writes in chunks"). Whatever is pending when
 * the current tick ends is written by a `setImmediate`, so a quiet service
 * shows its lines at once.
 */
export class SyncChunkWriter {
  private pending = '';
  private pendingRecords = 0;
  private scheduled = false;
  private readonly onImmediate = (): void => {
    this.scheduled = false;
    this.writeOut();
  };

  constructor(
    private readonly sink: ChunkSink,
    private readonly chunkChars: number = DEFAULT_CHUNK_CHARS,
  ) {}

  /** Characters buffered but not yet handed to the sink. */
  get pendingChars(): number {
    return this.pending.length;
  }

  write(line: string): void {
    this.pending += line;
    this.pendingRecords++;
    if (this.pending.length >= this.chunkChars) {
      this.writeOut();
    } else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onImmediate);
    }
  }

  /** Hands everything pending to the sink now. Never throws: sinks do not. */
  writeOut(): void {
    if (this.pendingRecords === 0) return;
    const data = this.pending;
    const records = this.pendingRecords;
    this.pending = '';
    this.pendingRecords = 0;
    this.sink(data, records);
  }
}


const NEWLINE = 0x0a;

/** The lines ending in `buf[start, end)`: the records of a chunk of JSON lines, or of the part of one a write took. */
export function countLines(buf: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(NEWLINE, start); i !== -1 && i < end; i = buf.indexOf(NEWLINE, i + 1)) n++;
  return n;
}
