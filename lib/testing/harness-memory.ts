import { BufferKind } from '../symbols/exchange-layout';
import type { HostMemory } from '../symbols/host-memory';

/** The harness's stand-in for native memory: it keeps the buffers the symbols layer adopts. */
export class HarnessMemory implements HostMemory {
  private readonly buffers = new Map<string, ArrayBuffer>();

  adopt(kind: BufferKind, id: number, buffer: ArrayBuffer): void {
    this.buffers.set(`${kind}:${id}`, buffer);
  }

  /** The current buffer of a kind, as the native layer would see it. */
  get(kind: BufferKind, id = 0): ArrayBuffer {
    const buffer = this.buffers.get(`${kind}:${id}`);
    if (buffer === undefined) throw new Error(`no ${BufferKind[kind]} buffer ${id} was adopted`);
    return buffer;
  }
}
