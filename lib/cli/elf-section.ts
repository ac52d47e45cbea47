/*
 * Writes data into a named, non-allocated section of an ELF64 little-endian file: the data goes to the
 * end of the file and the section's header points at it. Nothing the loader maps moves, so a prebuilt
 * library keeps working; the library reads the section from its own file.
 */

const ELF_HEADER = {
  shoff: 0x28,
  shentsize: 0x3a,
  shnum: 0x3c,
  shstrndx: 0x3e,
} as const;
const SECTION = { name: 0x00, flags: 0x08, offset: 0x18, size: 0x20 } as const;
const SHF_ALLOC = 0x2n;

function fail(what: string, message: string): never {
  throw new Error(`${what}: ${message}`);
}

/**
 * A copy of `elf` whose section `name` holds `data`.
 *
 * @param what - the file's name, for error messages.
 * @throws Error when the file is not a 64-bit little-endian ELF file, or has no such non-allocated section.
 */
export function withSectionData(elf: Buffer, name: string, data: Buffer, what: string): Buffer {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46) fail(what, 'not an ELF file');
  if (elf[4] !== 2 || elf[5] !== 1) fail(what, 'not a 64-bit little-endian ELF file');
  const shoff = Number(elf.readBigUInt64LE(ELF_HEADER.shoff));
  const shentsize = elf.readUInt16LE(ELF_HEADER.shentsize);
  const shnum = elf.readUInt16LE(ELF_HEADER.shnum);
  const shstrndx = elf.readUInt16LE(ELF_HEADER.shstrndx);
  if (shentsize !== 64 || shstrndx >= shnum || shoff + shnum * shentsize > elf.length) {
    fail(what, 'its section headers are malformed');
  }
  const header = (i: number) => shoff + i * shentsize;
  const names = header(shstrndx);
  const namesOffset = Number(elf.readBigUInt64LE(names + SECTION.offset));
  const namesSize = Number(elf.readBigUInt64LE(names + SECTION.size));
  for (let i = 0; i < shnum; i++) {
    const at = header(i);
    const start = namesOffset + elf.readUInt32LE(at + SECTION.name);
    const end = elf.indexOf(0, start);
    if (end < 0 || end > namesOffset + namesSize || elf.toString('latin1', start, end) !== name) continue;
    if ((elf.readBigUInt64LE(at + SECTION.flags) & SHF_ALLOC) !== 0n)
      fail(what, `section ${name} is allocated`);
    const offset = Math.ceil(elf.length / 16) * 16;
    const out = Buffer.concat([elf, Buffer.alloc(offset - elf.length), data]);
    out.writeBigUInt64LE(BigInt(offset), at + SECTION.offset);
    out.writeBigUInt64LE(BigInt(data.length), at + SECTION.size);
    return out;
  }
  return fail(what, `no section ${name}`);
}
