import { BufferKind, ControlI32 } from '../symbols/exchange-layout';
import { ReturnCode } from '../symbols/return-codes';
import { splitBatch } from './decode';
import type { HarnessMemory } from './harness-memory';
import type { PluginState } from './harness';
import { PluginCallError, type CapturedEvent } from './harness-types';

/**
 * The harness's driver of event sourcing: an open capture, read with libscap's semantics. `PluginState.open`
 * returns one.
 */

/** The result of one `next_batch` call. */
export interface BatchResult {
  /** What `plugin_next_batch` returned. */
  readonly rc: ReturnCode;
  /** The events returned with it (also with a non-SUCCESS code), numbered as the host numbers them. */
  readonly events: CapturedEvent[];
}

/** An open capture (a source instance). */
export class Capture {
  private pendingRc: ReturnCode | undefined;
  private closed = false;

  /** @internal */
  constructor(
    private readonly state: PluginState,
    private readonly handle: number,
    private readonly memory: HarnessMemory,
  ) {}

  /**
   * The instance the plugin's `open` returned, e.g. a prebuilt source whose details a test needs (a
   * webhook's `url`): `capture.instance as WebhookSource`. Undefined once the capture is closed.
   */
  get instance(): unknown {
    return this.state.symbols.requireSourcing().instanceOf(this.handle);
  }

  /** One raw `plugin_next_batch` call: its return code and the events returned with it. */
  async nextBatch(): Promise<BatchResult> {
    const symbols = this.state.symbols;
    const rc = await symbols.requireSourcing().nextBatch(this.handle);
    const count = symbols.control[ControlI32.BatchCount];
    const pluginId = this.state.harness.registration.info.id ?? 0;
    const now = () => BigInt(Date.now()) * 1_000_000n;
    const raw =
      count > 0 ? splitBatch(this.memory.get(BufferKind.Batch, this.handle), count, pluginId, now) : [];
    return { rc, events: raw.map((e) => ({ ...e, number: this.state.nextEventNumber() })) };
  }

  /**
   * The events of the capture, with libscap's semantics: events returned together with TIMEOUT, EOF or
   * FAILURE are delivered first and the code is acted on at the next step; TIMEOUT means "call again";
   * SUCCESS with no events is an error.
   *
   * @throws PluginCallError when next_batch fails (after the events it returned were delivered).
   */
  async *events(options: { maxEvents?: number } = {}): AsyncGenerator<CapturedEvent> {
    const max = options.maxEvents ?? Infinity;
    let delivered = 0;
    while (delivered < max) {
      if (this.pendingRc !== undefined) {
        const rc = this.pendingRc;
        this.pendingRc = undefined;
        if (rc === ReturnCode.Eof) return;
        if (rc === ReturnCode.Failure)
          throw new PluginCallError('next_batch', this.state.symbols.getLastError());
      }
      const { rc, events } = await this.nextBatch();
      if (rc === ReturnCode.Success && events.length === 0) {
        throw new PluginCallError('next_batch', 'returned SUCCESS with no events');
      }
      if (
        rc !== ReturnCode.Success &&
        rc !== ReturnCode.Timeout &&
        rc !== ReturnCode.Eof &&
        rc !== ReturnCode.Failure
      ) {
        throw new PluginCallError('next_batch', `returned unknown code ${rc}`);
      }
      if (rc !== ReturnCode.Success && rc !== ReturnCode.Timeout) this.pendingRc = rc;
      for (const event of events) {
        if (delivered >= max) return;
        delivered++;
        yield event;
      }
    }
  }

  /** `plugin_get_progress`: value in [0, 1] and the detail text. */
  progress(): {
    /** How far the capture got, from 0 to 1, as the host reads it (in steps of 0.0001). */
    value: number;
    /** The plugin's detail text, or the percentage (`12.50%`) when it gave none; empty without `progress`. */
    detail: string;
  } {
    const detail = this.state.symbols.requireSourcing().getProgress(this.handle);
    return { value: this.state.symbols.control[ControlI32.ProgressPct] / 10000, detail };
  }

  /** `plugin_close`. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.state.symbols.requireSourcing().close(this.handle);
  }
}
