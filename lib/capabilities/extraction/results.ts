import type { FieldType } from '../../sdk/fields/field-types';
import {
  BufferKind,
  ControlI32,
  INITIAL_RESULTS_BUFFER,
  RESULT_FIXED_BYTES_PER_VALUE,
} from '../../symbols/exchange-layout';
import { grownBuffer, type HostMemory } from '../../symbols/host-memory';
import { isUnawaitedPromise } from '../../symbols/settle';
import { ipAddressBytes } from '../../sdk/ip-address';
import { utf8Write, writeShortAscii } from '../../sdk/utf8-write';

const TWO_32 = 0x1_0000_0000;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/** A value an extractor produced that does not fit the field's declared type. */
export class FieldValueError extends Error {
  constructor(fieldName: string, message: string) {
    super(`field ${fieldName}: ${message}`);
    this.name = 'FieldValueError';
  }
}

function describe(value: unknown): string {
  if (isUnawaitedPromise(value)) return 'a Promise (extractors return their value synchronously)';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 37) + '...' : value)}`;
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof Date) return `Date ${value.toISOString()}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Writes extraction results into the Results buffer in the layout of `exchange-layout.ts`. One instance
 * per plugin state, reused for every call: no allocation per value for numbers and booleans.
 */
export class ExtractResults {
  private buffer: ArrayBuffer;
  private bytes: Uint8Array;
  private view: DataView;
  private text: Buffer; // the same memory, for UTF-8 writes that return a count
  /** Where the current result starts in the buffer (0 but while results are prefetched one after another). */
  private base = 0;
  /** The end of the current result's bytes. */
  private endAt = 0;

  /** @param id - which buffer of `kind` the host knows it as. */
  constructor(
    private readonly memory: HostMemory,
    private readonly control: Int32Array,
    private readonly kind: BufferKind = BufferKind.Results,
    private readonly id = 0,
  ) {
    this.buffer = new ArrayBuffer(INITIAL_RESULTS_BUFFER);
    this.bytes = new Uint8Array(this.buffer);
    this.text = Buffer.from(this.buffer);
    this.view = new DataView(this.buffer);
    memory.adopt(kind, id, this.buffer);
  }

  /**
   * Clears the previous result; the next one is written from byte `base` (8-byte aligned; results computed
   * ahead are written one after another). String and IP locations are relative to `base`.
   */
  reset(base = 0): void {
    this.base = base;
    this.endAt = base;
    this.control[ControlI32.ResultCount] = 0;
    this.control[ControlI32.ResultHasOffsets] = 0;
  }

  /** The first 8-byte aligned byte after the current result. */
  get end(): number {
    return (this.endAt + 7) & ~7;
  }

  /** Number of values of the current result. */
  get count(): number {
    return this.control[ControlI32.ResultCount];
  }

  /**
   * Writes the value(s) of one field.
   *
   * @throws FieldValueError when a value does not match the type, or a list/non-list mismatch.
   */
  write(fieldName: string, type: FieldType, isList: boolean, value: unknown): void {
    if (isList) {
      if (!Array.isArray(value)) {
        throw new FieldValueError(
          fieldName,
          `is a list field: expected an array of ${type}, got ${describe(value)}`,
        );
      }
      const n = value.length;
      this.ensure(this.base + n * RESULT_FIXED_BYTES_PER_VALUE);
      let bytesAt = this.base + n * RESULT_FIXED_BYTES_PER_VALUE;
      for (let i = 0; i < n; i++) {
        bytesAt = this.writeOne(fieldName, type, value[i], i, bytesAt, n);
      }
      this.endAt = bytesAt;
      this.control[ControlI32.ResultCount] = n;
    } else {
      if (Array.isArray(value)) {
        throw new FieldValueError(
          fieldName,
          `is not a list field: expected one ${type}, got ${describe(value)}`,
        );
      }
      this.ensure(this.base + RESULT_FIXED_BYTES_PER_VALUE);
      this.endAt = this.writeOne(fieldName, type, value, 0, this.base + RESULT_FIXED_BYTES_PER_VALUE, 1);
      this.control[ControlI32.ResultCount] = 1;
    }
  }

  /** Writes value offsets (relative to the start of the event) for value `index` of `count`. */
  writeOffset(index: number, count: number, start: number, length: number): void {
    const base = this.base;
    if (this.control[ControlI32.ResultHasOffsets] === 0) {
      for (let i = 0; i < count; i++) {
        this.view.setUint32(base + 8 * count + 4 * i, 0, true);
        this.view.setUint32(base + 12 * count + 4 * i, 0, true);
      }
      this.control[ControlI32.ResultHasOffsets] = 1;
    }
    this.view.setUint32(base + 8 * count + 4 * index, start, true);
    this.view.setUint32(base + 12 * count + 4 * index, length, true);
  }

  private writeOne(
    name: string,
    type: FieldType,
    value: unknown,
    index: number,
    bytesAt: number,
    count: number,
  ): number {
    const slot = this.base + index * 8;
    switch (type) {
      case 'uint64':
      case 'reltime':
        this.writeU64(name, type, slot, value);
        return bytesAt;
      case 'abstime':
        this.writeU64(name, type, slot, value instanceof Date ? BigInt(value.getTime()) * 1_000_000n : value);
        return bytesAt;
      case 'bool':
        if (typeof value !== 'boolean') {
          throw new FieldValueError(name, `expected a boolean, got ${describe(value)}`);
        }
        this.view.setUint32(this.base + index * 4, value ? 1 : 0, true);
        return bytesAt;
      case 'string':
        if (typeof value !== 'string') {
          throw new FieldValueError(name, `expected a string, got ${describe(value)}`);
        }
        return this.writeString(name, slot, value, bytesAt);
      case 'ipaddr':
      case 'ipnet':
        return this.writeBytes(slot, ipBytes(name, type, value), bytesAt);
      default:
        throw new FieldValueError(name, `has unknown type ${String(type)} (${count} values)`);
    }
  }

  private writeU64(name: string, type: string, slot: number, value: unknown): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new FieldValueError(
          name,
          `expected a ${type} (non-negative safe integer or bigint), got ${describe(value)}`,
        );
      }
      if (value <= 0xffff_ffff) {
        this.view.setUint32(slot, value, true);
        this.view.setUint32(slot + 4, 0, true);
      } else {
        this.view.setUint32(slot, value % TWO_32, true);
        this.view.setUint32(slot + 4, Math.floor(value / TWO_32), true);
      }
    } else if (typeof value === 'bigint') {
      if (value < 0n || value > MAX_U64) {
        throw new FieldValueError(name, `expected a ${type} in [0, 2^64), got ${describe(value)}`);
      }
      this.view.setBigUint64(slot, value, true);
    } else {
      throw new FieldValueError(name, `expected a ${type} (bigint or number), got ${describe(value)}`);
    }
  }

  private writeString(name: string, slot: number, value: string, bytesAt: number): number {
    this.ensure(bytesAt + value.length * 3 + 1);
    const bytes = this.bytes;
    let written = writeShortAscii(bytes, value, bytesAt);
    if (written < 0) written = utf8Write(this.text, value, bytesAt, value.length * 3);
    for (let i = bytesAt; i < bytesAt + written; i++) {
      if (bytes[i] === 0) throw new FieldValueError(name, 'string values cannot contain NUL characters');
    }
    bytes[bytesAt + written] = 0;
    this.view.setUint32(slot, bytesAt - this.base, true);
    this.view.setUint32(slot + 4, written, true);
    return bytesAt + written + 1;
  }

  private writeBytes(slot: number, value: Uint8Array, bytesAt: number): number {
    this.ensure(bytesAt + value.length);
    this.bytes.set(value, bytesAt);
    this.view.setUint32(slot, bytesAt - this.base, true);
    this.view.setUint32(slot + 4, value.length, true);
    return bytesAt + value.length;
  }

  private ensure(needed: number): void {
    if (needed <= this.buffer.byteLength) return;
    this.buffer = grownBuffer(this.buffer, needed, this.buffer.byteLength);
    this.bytes = new Uint8Array(this.buffer);
    this.text = Buffer.from(this.buffer);
    this.view = new DataView(this.buffer);
    this.memory.adopt(this.kind, this.id, this.buffer);
  }
}

/** Parses an IP address or network given as text or bytes into the bytes the host expects. */
export function ipBytes(name: string, type: 'ipaddr' | 'ipnet', value: unknown): Uint8Array {
  if (value instanceof Uint8Array) {
    const ok =
      type === 'ipaddr'
        ? value.length === 4 || value.length === 16
        : value.length === 8 || value.length === 32;
    if (!ok) {
      const want = type === 'ipaddr' ? '4 or 16' : '8 or 32 (address then mask)';
      throw new FieldValueError(name, `expected ${want} bytes for an ${type}, got ${value.length}`);
    }
    return value;
  }
  if (typeof value !== 'string') {
    throw new FieldValueError(name, `expected an ${type} as text or bytes, got ${describe(value)}`);
  }
  if (type === 'ipaddr') {
    const bytes = ipAddressBytes(value);
    if (!bytes) throw new FieldValueError(name, `"${value}" is not an IPv4 or IPv6 address`);
    return bytes;
  }
  const slash = value.indexOf('/');
  const address = slash < 0 ? undefined : ipAddressBytes(value.slice(0, slash));
  const prefix = slash < 0 ? NaN : Number(value.slice(slash + 1));
  if (!address || !/^\d+$/.test(value.slice(slash + 1)) || prefix > address.length * 8) {
    throw new FieldValueError(name, `"${value}" is not a network like 10.0.0.0/8 or fd00::/8`);
  }
  const out = new Uint8Array(address.length * 2);
  out.set(address);
  for (let bit = 0; bit < prefix; bit++) out[address.length + (bit >> 3)] |= 0x80 >> (bit & 7);
  return out;
}
