/*
 * Binds a shared library's calls of its own functions in advance, as linking it with
 * -Bsymbolic-functions would have: every R_X86_64_JUMP_SLOT, R_X86_64_GLOB_DAT and R_X86_64_64
 * relocation against a function the library itself defines (STT_FUNC, global or weak) becomes an
 * R_X86_64_RELATIVE one with the function's address as addend. Nothing else changes: the symbols stay
 * exported, data and GNU-unique symbols (vague-linkage objects, typeinfo) and IFUNCs are still bound by
 * the dynamic linker, the file keeps its size and layout.
 *
 * Why: Debian's libnode.so.108 is linked without it, so loading it makes the dynamic linker hash and
 * look up ~52,000 long C++ names, ~15 ms of every process start (scripts/assemble-platform.mjs applies
 * this to the artifact's copy). The runtime finds the one PLT call it redirects either way
 * (native/runtime/src/libnode.cc, RedirectLibnodeCall).
 */
import fs from 'node:fs';

const PT_DYNAMIC = 2;
const DT = {
  NULL: 0,
  STRTAB: 5,
  SYMTAB: 6,
  RELA: 7,
  RELASZ: 8,
  RELAENT: 9,
  PLTRELSZ: 2,
  PLTREL: 20,
  JMPREL: 23,
};
const R = { X86_64_64: 1, GLOB_DAT: 6, JUMP_SLOT: 7, RELATIVE: 8 };
const STT_FUNC = 2;
const STB_GLOBAL = 1;
const STB_WEAK = 2;
const SYM_SIZE = 24;
const RELA_SIZE = 24;

/**
 * Rewrites `file` in place.
 *
 * @returns how many relocations were bound, and how many symbol relocations are left to the dynamic
 * linker.
 * @throws Error for a file that is not a 64-bit little-endian x86-64 ELF shared library with RELA
 * relocations.
 */
export function bindLocalRelocations(file) {
  const b = fs.readFileSync(file);
  const fail = (message) => {
    throw new Error(`${file}: ${message}`);
  };
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1)
    fail('not a 64-bit little-endian ELF file');
  if (b.readUInt16LE(0x12) !== 62) fail('not an x86-64 ELF file');
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  const loads = [];
  let dynamic = null;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const type = b.readUInt32LE(at);
    const offset = Number(b.readBigUInt64LE(at + 8));
    const vaddr = Number(b.readBigUInt64LE(at + 16));
    const filesz = Number(b.readBigUInt64LE(at + 32));
    if (type === 1) loads.push({ offset, vaddr, filesz });
    if (type === PT_DYNAMIC) dynamic = { offset, filesz };
  }
  if (!dynamic) fail('no dynamic section');
  const fileOffset = (vaddr) => {
    const seg = loads.find((s) => vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
    if (!seg) fail(`address 0x${vaddr.toString(16)} is outside the file`);
    return seg.offset + (vaddr - seg.vaddr);
  };
  const tags = new Map();
  for (let at = dynamic.offset; at < dynamic.offset + dynamic.filesz; at += 16) {
    const tag = Number(b.readBigInt64LE(at));
    if (tag === DT.NULL) break;
    if (!tags.has(tag)) tags.set(tag, b.readBigUInt64LE(at + 8));
  }
  if (tags.has(DT.PLTREL) && Number(tags.get(DT.PLTREL)) !== DT.RELA) fail('PLT relocations are not RELA');
  if (tags.has(DT.RELAENT) && Number(tags.get(DT.RELAENT)) !== RELA_SIZE) fail('unexpected RELA entry size');
  if (!tags.has(DT.SYMTAB)) fail('no dynamic symbol table');
  const symtab = fileOffset(Number(tags.get(DT.SYMTAB)));
  const tables = [
    [DT.RELA, DT.RELASZ],
    [DT.JMPREL, DT.PLTRELSZ],
  ].filter(([start]) => tags.has(start));

  let bound = 0;
  let kept = 0;
  for (const [startTag, sizeTag] of tables) {
    const start = fileOffset(Number(tags.get(startTag)));
    const count = Number(tags.get(sizeTag)) / RELA_SIZE;
    for (let i = 0; i < count; i++) {
      const at = start + i * RELA_SIZE;
      const info = b.readBigUInt64LE(at + 8);
      const type = Number(info & 0xffffffffn);
      const symbol = Number(info >> 32n);
      if (symbol === 0 || (type !== R.X86_64_64 && type !== R.GLOB_DAT && type !== R.JUMP_SLOT)) continue;
      const sym = symtab + symbol * SYM_SIZE;
      const symInfo = b[sym + 4];
      const section = b.readUInt16LE(sym + 6);
      const bind = symInfo >> 4;
      // Defined in a section of this file (not undefined, not SHN_ABS or another reserved index).
      const local = section !== 0 && section < 0xff00;
      if (!local || (symInfo & 0xf) !== STT_FUNC || (bind !== STB_GLOBAL && bind !== STB_WEAK)) {
        kept++;
        continue;
      }
      const value = b.readBigUInt64LE(sym + 8);
      const addend = type === R.X86_64_64 ? b.readBigInt64LE(at + 16) : 0n;
      b.writeBigUInt64LE(BigInt(R.RELATIVE), at + 8);
      b.writeBigInt64LE(BigInt.asIntN(64, value + addend), at + 16);
      bound++;
    }
  }
  fs.writeFileSync(file, b);
  return { bound, kept };
}
