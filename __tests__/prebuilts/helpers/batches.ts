/* Batches for driving prebuilt instances directly, as the symbols layer does. */
import { EventBatch, type BatchOptions } from 'falco-plugin-sdk';
import { splitBatch } from '../../../lib/testing/decode';
import { HarnessMemory } from '../../../lib/testing/harness-memory';
import { BufferKind } from '../../../lib/symbols/exchange-layout';

const utf8 = new TextDecoder();

/** A batch in harness memory, and what was written into it. */
export class TestBatch {
  private readonly memory = new HarnessMemory();
  readonly batch: EventBatch;

  constructor(options: BatchOptions = {}) {
    this.batch = new EventBatch(this.memory, 1, options);
  }

  /** Empties the batch before a call, as the symbols layer does. */
  reset(): EventBatch {
    this.batch.reset();
    return this.batch;
  }

  /** The payloads written, as text. */
  texts(): string[] {
    return this.events().map((e) => utf8.decode(e.bytes.subarray(38)));
  }

  /** The timestamps written (UINT64_MAX-stamped events become 0 here: "stamped by the host"). */
  timestamps(): bigint[] {
    return this.events().map((e) => e.timestamp);
  }

  private events() {
    return splitBatch(this.memory.get(BufferKind.Batch, 1), this.batch.length, 999, () => 0n);
  }
}
