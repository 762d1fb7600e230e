import { SHARED } from './deliveryProtocol';

/** Atomics.waitAsync (Node 16+; ES2024 in TypeScript's libraries, newer than this project's target). */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: BigInt64Array, index: number, value: bigint): { async: false; value: string } | { async: true; value: Promise<string> };
}).waitAsync;

/** Where the last append ended, as the delivery side reads it. */
export interface AppendState {
  readonly segmentNo: number;
  readonly bytes: number;
  readonly seq: number;
}

/**
 * The shared memory between a shipping transport's two sides. The appending
 * side publishes where its last block ended with a handful of atomic stores
 * (a message per block cost the service's thread more than the append
 * itself), and wakes the delivery only when it is waiting; the delivery
 * publishes how far it has settled, which FATAL reads while blocked.
 */
export class SharedSpoolState {
  readonly array: BigInt64Array;

  constructor(array?: BigInt64Array) {
    this.array = array ?? new BigInt64Array(new SharedArrayBuffer(SHARED.slots * BigInt64Array.BYTES_PER_ELEMENT));
  }

  /** Appending side (the only writer of these slots): a seqlock, so a reader never mixes two appends. */
  publishAppend(segmentNo: number, bytes: number, seq: number): void {
    const a = this.array;
    const version = Atomics.load(a, SHARED.version);
    Atomics.store(a, SHARED.version, version + 1n);
    Atomics.store(a, SHARED.segmentNo, BigInt(segmentNo));
    Atomics.store(a, SHARED.bytes, BigInt(bytes));
    Atomics.store(a, SHARED.seq, BigInt(seq));
    Atomics.store(a, SHARED.version, version + 2n);
    // A notify costs more than the stores: only when delivery asked for this much.
    const wakeAt = Atomics.load(a, SHARED.wakeAtSeq);
    if (wakeAt > 0n && BigInt(seq) >= wakeAt && Atomics.compareExchange(a, SHARED.wakeAtSeq, wakeAt, 0n) === wakeAt) {
      Atomics.add(a, SHARED.wake, 1n);
      Atomics.notify(a, SHARED.wake);
    }
  }

  /** Delivery side: the last append, consistent across its three slots. */
  readAppend(): AppendState {
    const a = this.array;
    for (;;) {
      const before = Atomics.load(a, SHARED.version);
      if ((before & 1n) === 0n) {
        const state = { segmentNo: Number(Atomics.load(a, SHARED.segmentNo)), bytes: Number(Atomics.load(a, SHARED.bytes)), seq: Number(Atomics.load(a, SHARED.seq)) };
        if (Atomics.load(a, SHARED.version) === before) return state;
      }
    }
  }

  /** Delivery side: asks for a wake-up once `seq` records are appended (0: none). */
  wakeAt(seq: number): void {
    Atomics.store(this.array, SHARED.wakeAtSeq, BigInt(seq));
  }

  /** Delivery side: resolves at the next wake-up. */
  nextWake(): Promise<unknown> {
    const wait = waitAsync(this.array, SHARED.wake, Atomics.load(this.array, SHARED.wake));
    return wait.async ? wait.value : Promise.resolve();
  }

  publishSettled(seq: number): void {
    Atomics.store(this.array, SHARED.settledSeq, BigInt(seq));
    Atomics.notify(this.array, SHARED.settledSeq);
  }

  /** FATAL, on the blocked thread: waits until `seq` is settled or `deadline` (ms since the epoch). */
  waitSettled(seq: number, deadline: number): boolean {
    const target = BigInt(seq);
    for (;;) {
      const settled = Atomics.load(this.array, SHARED.settledSeq);
      if (settled >= target) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.array, SHARED.settledSeq, settled, left);
    }
  }
}
