import type { BasePlugin } from '../plugins/base-plugin';
import type { LogSink } from '../plugins/logger';
import type { PluginRegistration } from '../plugins/registration';
import { errorMessage } from '../sdk/errors';
import { EventReader } from '../sdk/event-reader';
import {
  BufferKind,
  CONTROL_SIZE,
  ControlF64,
  ControlI32,
  ControlU64,
  INITIAL_EVENT_BUFFER,
} from './exchange-layout';
import { grownBuffer, type HostMemory } from './host-memory';
import { ReturnCode } from './return-codes';

/**
 * What the symbol functions of every capability share for one plugin state: the plugin object, the control
 * block and the Event buffer the host writes into, the buffers adopted by the host, the last error and the
 * log sink. Each capability's symbols (`lib/capabilities/<capability>/symbols.ts`) hold one.
 */
export class SharedState {
  /** The control block shared with the host. */
  readonly control: Int32Array;
  readonly controlF64: Float64Array;
  readonly controlU64: BigUint64Array;
  /** The memory the host adopts buffers through (batch buffers are also kept here, per instance). */
  readonly memory: HostMemory;
  /** The plugin object, from `init` to `destroy`. */
  plugin: BasePlugin | undefined;
  /** The reader over the event the host placed in the Event buffer (or, while prefetching, a batch). */
  readonly reader: EventReader;
  private lastErrorText = '';
  private eventBuffer: ArrayBuffer;
  private generation = -1;
  private readonly batchBuffers = new Map<number, ArrayBuffer>();
  private readonly newEventListeners: (() => void)[] = [];

  constructor(
    readonly registration: PluginRegistration,
    hostMemory: HostMemory,
    readonly logSink: LogSink,
  ) {
    this.memory = {
      adopt: (kind, id, buffer) => {
        if (kind === BufferKind.Batch) this.batchBuffers.set(id, buffer);
        hostMemory.adopt(kind, id, buffer);
      },
    };
    const controlBuffer = new ArrayBuffer(CONTROL_SIZE);
    this.control = new Int32Array(controlBuffer);
    this.controlF64 = new Float64Array(controlBuffer);
    this.controlU64 = new BigUint64Array(controlBuffer);
    this.control[ControlI32.EventGeneration] = -1;
    this.memory.adopt(BufferKind.Control, 0, controlBuffer);
    this.eventBuffer = new ArrayBuffer(INITIAL_EVENT_BUFFER);
    this.memory.adopt(BufferKind.Event, 0, this.eventBuffer);
    this.reader = new EventReader(this.eventBuffer);
  }

  /** The message `get_last_error` returns. */
  get lastError(): string {
    return this.lastErrorText;
  }

  /** Records a failure as the last error (and the plugin's `lastError`); returns the failure code. */
  fail(err: unknown): ReturnCode.Failure {
    this.lastErrorText = errorMessage(err);
    if (this.plugin) this.plugin.lastError = this.lastErrorText;
    return ReturnCode.Failure;
  }

  /** The plugin object. @throws Error before `init`. */
  requirePlugin(): BasePlugin {
    if (this.plugin === undefined) throw new Error('the plugin is not initialized');
    return this.plugin;
  }

  /** Calls `listener` whenever the reader moves to another event (what was computed per event is stale). */
  onNewEvent(listener: () => void): void {
    this.newEventListeners.push(listener);
  }

  /** Points the reader at the event the host placed in the Event buffer, when it is not already there. */
  loadEvent(): void {
    const generation = this.control[ControlI32.EventGeneration];
    if (generation === this.generation) return;
    this.reader.reset(
      this.eventBuffer,
      this.controlF64[ControlF64.EventNumber],
      this.control[ControlI32.EventLength],
    );
    this.generation = generation;
    this.newEvent();
  }

  /**
   * Forgets which event the reader holds (it was moved elsewhere, e.g. over a batch): the next `loadEvent`
   * reloads, and per-event results are dropped.
   */
  invalidateEvent(): void {
    this.generation = -1;
    this.newEvent();
  }

  private newEvent(): void {
    for (const listener of this.newEventListeners) listener();
  }

  /** Makes the Event buffer at least `size` bytes; the host calls it before copying in a larger event. */
  reserveEventBuffer(size: number): void {
    if (size <= this.eventBuffer.byteLength) return;
    this.eventBuffer = grownBuffer(this.eventBuffer, size, 0);
    this.memory.adopt(BufferKind.Event, 0, this.eventBuffer);
    this.generation = -1;
  }

  /** The buffer the host adopted for the batches of instance `handle`. */
  batchBuffer(handle: number): ArrayBuffer | undefined {
    return this.batchBuffers.get(handle);
  }

  /** Forgets the batch buffer of a closed instance. */
  forgetBatchBuffer(handle: number): void {
    this.batchBuffers.delete(handle);
  }

  /** The exact index argument of the host's current extract call. */
  get exactArgIndex(): bigint {
    return this.controlU64[ControlU64.ArgIndexExact];
  }
}
