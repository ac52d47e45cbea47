import {
  EVENT_HEADER_SIZE,
  EVENT_LEN_OFFSET,
  EVENT_NPARAMS_OFFSET,
  EVENT_TYPE_OFFSET,
} from '../event-layout';
import { decodeParam, paramProblem } from './decode-params';
import type { EventSpec } from './event-spec';
import { eventSpec, paramLengthSize, syscallEventKey } from './event-types';
import type { SyscallEventKey, SyscallEventSpec } from './event-types';
import type { SyscallEventParams, SyscallParamName, SyscallParamValue } from './schema-types';

/** What the reader takes: the bytes of one event (more may follow; the header's `len` bounds it). */
export type EventBytes = Uint8Array | DataView;

/** The header fields every event has, known type or not. */
interface EventHeader {
  /** The timestamp in nanoseconds since the epoch. */
  readonly ts: bigint;
  /** The thread id (-1 for plugin events). */
  readonly tid: bigint;
  /** The total length in bytes, header included (`len`). */
  readonly length: number;
  /** The number of parameters (`nparams`). */
  readonly paramCount: number;
  /** The event's bytes, `length` of them: a view into the buffer given to the reader, not a copy. */
  readonly bytes: Uint8Array;
}

/**
 * A read-only, zero-copy view of an event of a type the schema knows. The event was checked when read
 * (header, parameter count and lengths, each parameter's size and terminator), so reading a parameter
 * only decodes it. The view holds the buffer it was given: it is valid while that memory holds the event.
 */
export interface SyscallEvent<K extends SyscallEventKey = SyscallEventKey> extends EventHeader {
  /** The schema key, e.g. `'openat_x'`. */
  readonly key: K;
  /** The event type number, e.g. 307. */
  readonly type: SyscallEventSpec<K>['type'];
  /** The name as libsinsp's `evt.type`, e.g. `'openat'`. */
  readonly name: SyscallEventSpec<K>['name'];
  /** `'enter'` for a `<name>_e` event, `'exit'` for a `<name>_x` event (libsinsp's `evt.dir` `>` and `<`). */
  readonly direction: SyscallEventSpec<K>['direction'];
  /** A parameter's value by name. Throws for an empty parameter (0 bytes: the value is not known). */
  param<P extends SyscallParamName<K>>(name: P): SyscallParamValue<K, P>;
  /** A parameter's value by name, or `undefined` for an empty parameter. */
  paramOrUndefined<P extends SyscallParamName<K>>(name: P): SyscallParamValue<K, P> | undefined;
  /** Whether a parameter is empty (0 bytes). */
  isEmpty(name: SyscallParamName<K>): boolean;
  /** A parameter's bytes: a view into the event, not a copy. */
  rawParam(name: SyscallParamName<K>): Uint8Array;
  /** All parameters, decoded, by name (empty ones `undefined`). */
  params(): SyscallEventParams<K>;
  /** Whether the event has the key, narrowing its type. */
  is<K2 extends SyscallEventKey>(key: K2): this is SyscallEvent<K2>;
}

/** An event of a type the schema does not know: its header and its parameters as bytes. */
export interface UnknownSyscallEvent extends EventHeader {
  /** Always `undefined`: the schema has no key for this type. */
  readonly key: undefined;
  /** The event type number. */
  readonly type: number;
  /** Always `undefined`: the schema has no name for this type. */
  readonly name: undefined;
  /** Always `undefined`: the schema does not say whether this type is an enter or an exit event. */
  readonly direction: undefined;
  /** The bytes of the parameter at `index` (from 0): a view into the event, not a copy. */
  rawParam(index: number): Uint8Array;
  /** Always `false`: the schema does not know the type. */
  is<K2 extends SyscallEventKey>(key: K2): this is SyscallEvent<K2>;
}

/** Any event the reader returns: narrow it with `key` (`if (ev.key === 'openat_x') …`) or `is()`. */
export type AnySyscallEvent =
  { [K in SyscallEventKey]: SyscallEvent<K> }[SyscallEventKey] | UnknownSyscallEvent;

/**
 * Reads one libscap event (ts u64, tid u64, len u32, type u16, nparams u32, then the parameter lengths, u16
 * or u32 for large-payload types, then the parameters) without copying it, and checks it strictly. Narrow
 * the result with `key` or `is()`; an event of a type the schema does not know is an `UnknownSyscallEvent`.
 *
 * @example
 * const ev = readSyscallEvent(bytes);
 * if (ev.key === 'openat_x') {
 *   const fd = ev.param('fd'); // bigint
 *   const path = ev.param('name'); // string
 * }
 *
 * @param bytes - the event; more bytes may follow it, the header's `len` bounds it.
 * @throws Error for each problem, naming the event type and, where it applies, the parameter.
 */
export function readSyscallEvent(bytes: EventBytes): AnySyscallEvent;
/**
 * Reads one libscap event of the type `key` without copying it, and checks it strictly, as the one-argument
 * form does; the result is typed by `key`.
 *
 * @param bytes - the event; more bytes may follow it, the header's `len` bounds it.
 * @param key - the schema key the event must have, e.g. `'openat_x'`.
 * @throws Error when the event is of another type, and for each problem of the event, naming its type and,
 * where it applies, the parameter.
 */
export function readSyscallEvent<K extends SyscallEventKey>(bytes: EventBytes, key: K): SyscallEvent<K>;
export function readSyscallEvent(bytes: EventBytes, key?: SyscallEventKey): AnySyscallEvent {
  const event = new EventView(asBytes(bytes));
  if (key !== undefined && event.key !== key) {
    throw new Error(`${event.label}: expected ${key} (type ${eventSpec(key).type})`);
  }
  return event as unknown as AnySyscallEvent;
}

function asBytes(bytes: EventBytes): Uint8Array {
  return bytes instanceof Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const paramIndexes = new Map<EventSpec, ReadonlyMap<string, number>>();

function paramIndexOf(spec: EventSpec): ReadonlyMap<string, number> {
  let indexes = paramIndexes.get(spec);
  if (indexes === undefined) {
    indexes = new Map(spec.params.map((p, i) => [p.name, i]));
    paramIndexes.set(spec, indexes);
  }
  return indexes;
}

/** The one implementation of both event interfaces. */
class EventView {
  readonly key: SyscallEventKey | undefined;
  readonly type: number;
  readonly name: string | undefined;
  readonly direction: 'enter' | 'exit' | undefined;
  readonly ts: bigint;
  readonly tid: bigint;
  readonly length: number;
  readonly paramCount: number;
  readonly bytes: Uint8Array;
  /** `syscall event openat_x (type 307)`, in front of every error. */
  readonly label: string;
  private readonly view: DataView;
  private readonly spec: EventSpec | undefined;
  private readonly starts: number[] = [];
  private readonly sizes: number[] = [];

  constructor(buffer: Uint8Array) {
    const whole = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (buffer.length < EVENT_HEADER_SIZE) {
      const who =
        buffer.length >= EVENT_TYPE_OFFSET + 2
          ? labelOf(whole.getUint16(EVENT_TYPE_OFFSET, true))
          : 'syscall event';
      throw new Error(
        `${who}: buffer of ${buffer.length} bytes is shorter than the ${EVENT_HEADER_SIZE}-byte header`,
      );
    }
    this.type = whole.getUint16(EVENT_TYPE_OFFSET, true);
    this.key = syscallEventKey(this.type);
    this.spec = this.key === undefined ? undefined : eventSpec(this.key);
    this.name = this.spec?.name;
    this.direction = this.spec?.direction;
    this.label = labelOf(this.type);
    this.length = whole.getUint32(EVENT_LEN_OFFSET, true);
    if (this.length > buffer.length) {
      throw new Error(`${this.label}: len ${this.length} is larger than the buffer (${buffer.length} bytes)`);
    }
    if (this.length < EVENT_HEADER_SIZE) {
      throw new Error(
        `${this.label}: len ${this.length} is smaller than the ${EVENT_HEADER_SIZE}-byte header`,
      );
    }
    this.bytes = buffer.subarray(0, this.length);
    this.view = new DataView(buffer.buffer, buffer.byteOffset, this.length);
    this.ts = this.view.getBigUint64(0, true);
    this.tid = this.view.getBigInt64(8, true);
    this.paramCount = this.view.getUint32(EVENT_NPARAMS_OFFSET, true);
    if (this.spec !== undefined && this.paramCount !== this.spec.params.length) {
      throw new Error(
        `${this.label}: nparams is ${this.paramCount}, the schema has ${this.spec.params.length}`,
      );
    }
    this.locateParams();
  }

  private locateParams(): void {
    const width = paramLengthSize(this.type);
    let at = EVENT_HEADER_SIZE + width * this.paramCount;
    if (at > this.length) {
      throw new Error(
        `${this.label}: the lengths of its ${this.paramCount} parameters (${width} bytes each) run past the end of the event (len ${this.length})`,
      );
    }
    for (let i = 0; i < this.paramCount; i++) {
      const lengthAt = EVENT_HEADER_SIZE + width * i;
      const size = width === 2 ? this.view.getUint16(lengthAt, true) : this.view.getUint32(lengthAt, true);
      if (at + size > this.length) {
        throw new Error(
          `${this.label}: ${this.paramLabel(i)} of ${size} bytes at offset ${at} runs past the end of the event (len ${this.length})`,
        );
      }
      this.starts.push(at);
      this.sizes.push(size);
      const param = this.spec?.params[i];
      if (param !== undefined && size > 0) {
        const problem = paramProblem(param.type, this.bytes.subarray(at, at + size));
        if (problem !== undefined) throw new Error(`${this.label}: ${this.paramLabel(i)} ${problem}`);
      }
      at += size;
    }
    if (at !== this.length) {
      throw new Error(
        `${this.label}: ${this.length - at} bytes after the last parameter (len ${this.length})`,
      );
    }
  }

  private paramLabel(index: number): string {
    const param = this.spec?.params[index];
    return param === undefined ? `parameter #${index}` : `parameter '${param.name}' (${param.type})`;
  }

  private indexOf(nameOrIndex: string | number): number {
    if (typeof nameOrIndex === 'number') {
      if (!Number.isInteger(nameOrIndex) || nameOrIndex < 0 || nameOrIndex >= this.paramCount) {
        throw new Error(`${this.label}: no parameter #${nameOrIndex} (it has ${this.paramCount})`);
      }
      return nameOrIndex;
    }
    const index = this.spec === undefined ? undefined : paramIndexOf(this.spec).get(nameOrIndex);
    if (index === undefined) throw new Error(`${this.label}: no parameter '${nameOrIndex}'`);
    return index;
  }

  rawParam(nameOrIndex: string | number): Uint8Array {
    const i = this.indexOf(nameOrIndex);
    return this.bytes.subarray(this.starts[i], this.starts[i] + this.sizes[i]);
  }

  isEmpty(name: string): boolean {
    return this.sizes[this.indexOf(name)] === 0;
  }

  paramOrUndefined(name: string): unknown {
    return this.decodeAt(this.indexOf(name));
  }

  param(name: string): unknown {
    const i = this.indexOf(name);
    const value = this.decodeAt(i);
    if (value === undefined) throw new Error(`${this.label}: ${this.paramLabel(i)} is empty`);
    return value;
  }

  params(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.spec?.params.forEach((p, i) => (out[p.name] = this.decodeAt(i)));
    return out;
  }

  is(key: SyscallEventKey): boolean {
    return this.key === key;
  }

  private decodeAt(i: number): unknown {
    const spec = this.spec?.params[i];
    if (spec === undefined || this.sizes[i] === 0) return undefined;
    const start = this.starts[i];
    const bytes = this.bytes.subarray(start, start + this.sizes[i]);
    return decodeParam(spec, bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}

function labelOf(type: number): string {
  const key = syscallEventKey(type);
  return key === undefined ? `syscall event of type ${type}` : `syscall event ${key} (type ${type})`;
}
