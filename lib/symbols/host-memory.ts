import type { BufferKind } from './exchange-layout';

/**
 * The host side's view of the buffers the symbols layer allocates. The native layer records each buffer's
 * address; the in-process harness keeps the `ArrayBuffer` itself. Called when a buffer is created or
 * replaced by a larger one (never per event).
 */
export interface HostMemory {
  adopt(kind: BufferKind, id: number, buffer: ArrayBuffer): void;
}

/** Grows a buffer to hold at least `needed` bytes, keeping the first `keep` bytes. */
export function grownBuffer(old: ArrayBuffer, needed: number, keep: number): ArrayBuffer {
  let size = Math.max(old.byteLength, 1024);
  while (size < needed) size *= 2;
  const next = new ArrayBuffer(size);
  new Uint8Array(next).set(new Uint8Array(old, 0, keep));
  return next;
}
