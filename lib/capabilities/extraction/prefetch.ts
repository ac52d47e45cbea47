/**
 * Extraction ahead of the host's calls. libsinsp asks the same few fields of every event; the native layer
 * learns which, and right after each `next_batch` the symbols layer computes them for every event of the
 * batch in one call. The host's later `extract_fields` calls on those events are then answered natively
 * from the results, without entering JavaScript. Anything that cannot be computed ahead exactly (an error,
 * a value only the host's call knows, a field that opts out) is left to the host's call.
 */
import { BufferKind } from '../../symbols/exchange-layout';
import type { HostMemory } from '../../symbols/host-memory';

/** One field the host asks for, with its argument, as the native layer learned it. */
export interface PrefetchKey {
  readonly fieldId: number;
  readonly argPresent: boolean;
  /** The index argument, exact. */
  readonly argIndex: bigint;
  /** The index argument as a number (rounded above 2^53), as `request.argIndex` gives it. */
  readonly argIndexNumber: number;
  readonly argKey: string | undefined;
  /** The host asked for value offsets. */
  readonly wantOffsets: boolean;
}

/** What the index says of one field of one event. */
export enum PrefetchStatus {
  /** Not computed: the host's call extracts it. */
  Missing = 0,
  /** Computed: the result is in the Results buffer at the entry's base. */
  Value = 1,
  /** Never computable ahead (the field opts out, or needs what only the host's call knows). */
  Never = 2,
}

/**
 * Layout of the Prefetch buffer, Int32 little-endian: `[0]` events, `[1]` keys, `[2..3]` reserved, then for
 * event `e` and key `k`, at `PREFETCH_HEADER_INTS + PREFETCH_ENTRY_INTS * (e * keys + k)`: status, value
 * count, 1 when value offsets were written, and the result's base in the Results buffer.
 * `native/plugin/src/exchange_layout.h` mirrors these constants.
 */
export const PREFETCH_HEADER_INTS = 4;
export const PREFETCH_ENTRY_INTS = 4;
/** The ids of the two Prefetch buffers. */
export const PREFETCH_INDEX_ID = 0;
export const PREFETCH_VALUES_ID = 1;

interface KeyJson {
  readonly id: number;
  readonly argPresent: boolean;
  readonly argIndex: string;
  readonly argKey: string | null;
  readonly wantOffsets: boolean;
}

/** The keys to compute and the index of the results of the last batch. */
export class ExtractionPrefetch {
  private keyList: readonly PrefetchKey[] = [];
  private buffer = new ArrayBuffer(0);
  private index = new Int32Array(0);

  constructor(private readonly memory: HostMemory) {}

  /** The keys computed for each batch, in the order the index lists them. */
  get keys(): readonly PrefetchKey[] {
    return this.keyList;
  }

  /** Replaces the keys with the JSON array the native layer sends when the set changes. */
  setKeys(json: string): void {
    const parsed = JSON.parse(json) as readonly KeyJson[];
    this.keyList = parsed.map((k) => ({
      fieldId: k.id,
      argPresent: k.argPresent,
      argIndex: BigInt(k.argIndex),
      argIndexNumber: Number(k.argIndex),
      argKey: k.argKey ?? undefined,
      wantOffsets: k.wantOffsets,
    }));
  }

  /** Starts the index of a batch of `events` events, every entry `Missing`. */
  begin(events: number): void {
    const keys = this.keyList.length;
    const needed = (PREFETCH_HEADER_INTS + PREFETCH_ENTRY_INTS * events * keys) * 4;
    if (needed > this.buffer.byteLength) {
      let size = Math.max(this.buffer.byteLength, 4096);
      while (size < needed) size *= 2;
      this.buffer = new ArrayBuffer(size);
      this.index = new Int32Array(this.buffer);
      this.memory.adopt(BufferKind.Prefetch, PREFETCH_INDEX_ID, this.buffer);
    }
    this.index.fill(0, 0, needed / 4);
    this.index[0] = events;
    this.index[1] = keys;
  }

  /** Records the result of key `k` for event `e`. */
  set(e: number, k: number, status: PrefetchStatus, count = 0, hasOffsets = false, base = 0): void {
    const at = PREFETCH_HEADER_INTS + PREFETCH_ENTRY_INTS * (e * this.keyList.length + k);
    const index = this.index;
    index[at] = status;
    index[at + 1] = count;
    index[at + 2] = hasOffsets ? 1 : 0;
    index[at + 3] = base;
  }
}
