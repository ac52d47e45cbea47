/** The field types libsinsp accepts from a plugin (`bytebuf` is not one of them). */
export const FIELD_TYPES = ['string', 'uint64', 'bool', 'reltime', 'abstime', 'ipaddr', 'ipnet'] as const;

/** A field type libsinsp accepts. */
export type FieldType = (typeof FIELD_TYPES)[number];

/** The `properties` a field may carry. */
export const FIELD_PROPERTIES = ['hidden', 'info', 'conversation'] as const;

/** A field property libsinsp accepts. */
export type FieldProperty = (typeof FIELD_PROPERTIES)[number];

/**
 * The JavaScript values an extractor may produce for one value of a field type:
 * - `uint64`, `reltime`: a bigint, or a non-negative safe integer number;
 * - `abstime`: the same in nanoseconds since the epoch, or a `Date`;
 * - `ipaddr`: an address as text (`10.0.0.1`, `::1`) or its 4 or 16 bytes in network order;
 * - `ipnet`: a network as text (`10.0.0.0/8`) or its address bytes followed by the mask bytes (8 or 32 bytes).
 */
export interface ScalarValueByType {
  /** Text. */
  string: string;
  /** An unsigned 64-bit integer: a bigint, or a non-negative safe integer number. */
  uint64: bigint | number;
  /** A duration in nanoseconds: a bigint, or a non-negative safe integer number. */
  reltime: bigint | number;
  /** A time in nanoseconds since the epoch (bigint or number), or a `Date`. */
  abstime: bigint | number | Date;
  /** A boolean. */
  bool: boolean;
  /** An IPv4 or IPv6 address, as text or as its 4 or 16 bytes in network order. */
  ipaddr: string | Uint8Array;
  /** A network, as text (`10.0.0.0/8`) or as its address bytes followed by the mask bytes (8 or 32 bytes). */
  ipnet: string | Uint8Array;
}

/** One value of field type `T`. */
export type ScalarValue<T extends FieldType> = ScalarValueByType[T];

/** What a field of type `T` yields: a single value, or an array of values when it is a list. */
export type FieldValue<T extends FieldType, L extends boolean> = L extends true
  ? readonly ScalarValue<T>[]
  : ScalarValue<T>;
