import type { HealthCounters } from '../shared/HealthCounters';
import { SyncChunkWriter } from '../shared/SyncChunkWriter';

/** Where a chunk of whole lines goes; must not throw. */
export type ChunkSink = (data: string, records: number) => void;

/**
 * SyncChunkWriter's buffering (64 KiB chunks, the tail written by
 * setImmediate) with the chunk handed to a function instead of one fixed
 * descriptor: the file transport reopens and rotates its file between chunks.
 */
export class SinkChunkWriter extends SyncChunkWriter {
  constructor(
    counters: HealthCounters,
    private readonly sink: ChunkSink,
  ) {
    super(-1, counters); // no descriptor of its own: the sink owns the file
  }

  protected override writeChunk(data: string, records: number): void {
    this.sink(data, records);
  }
}
