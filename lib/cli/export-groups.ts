/*
 * The template exports every group of plugin_* symbols (native/plugin/src/<group>/); a plugin library
 * keeps exported the groups its plugin has. The others are renamed in the dynamic symbol table
 * (`plugin_` → `hidden_`, the same length, so nothing moves): the host's dlsym no longer finds them,
 * which is how libsinsp tells the capabilities apart. The template's own calls are bound at link time
 * (-Bsymbolic) and never go through these names.
 */
import type { PluginRegistration } from '../plugins/registration';

const EXPORTED = 'plugin_';
const HIDDEN = 'hidden_';
const SHT_DYNSYM = 11;
const SYMBOL_SIZE = 24;
const SECTION = { type: 0x04, offset: 0x18, size: 0x20, link: 0x28, entsize: 0x38 } as const;

function fail(what: string, message: string): never {
  throw new Error(`${what}: ${message}`);
}

/**
 * Whether a plugin keeps an export group: a capability's group when it has the capability, `config` when
 * it takes config updates, `event_schema` when it declares the event schema version it needs; any other
 * group (metrics, …) always.
 */
export function keepsExportGroup(registration: PluginRegistration, group: string): boolean {
  switch (group) {
    case 'sourcing':
    case 'extraction':
    case 'parsing':
    case 'listening':
    case 'async':
      return registration.capabilities[group];
    case 'config':
      return registration.setConfig;
    case 'event_schema':
      return registration.info.requiredEventSchemaVersion !== undefined;
    default:
      return true;
  }
}

/** The names and their offsets in the dynamic string table of each dynamic symbol. */
function dynamicSymbols(elf: Buffer, what: string): { at: number; name: string }[] {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  if (shentsize !== 64 || shoff + shnum * shentsize > elf.length)
    fail(what, 'its section headers are malformed');
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    if (elf.readUInt32LE(at + SECTION.type) !== SHT_DYNSYM) continue;
    const offset = Number(elf.readBigUInt64LE(at + SECTION.offset));
    const size = Number(elf.readBigUInt64LE(at + SECTION.size));
    const strings = shoff + elf.readUInt32LE(at + SECTION.link) * shentsize;
    const stringsOffset = Number(elf.readBigUInt64LE(strings + SECTION.offset));
    const stringsSize = Number(elf.readBigUInt64LE(strings + SECTION.size));
    if (offset + size > elf.length || stringsOffset + stringsSize > elf.length)
      fail(what, 'its dynamic symbols are truncated');
    const symbols: { at: number; name: string }[] = [];
    for (let s = offset; s + SYMBOL_SIZE <= offset + size; s += SYMBOL_SIZE) {
      const start = stringsOffset + elf.readUInt32LE(s);
      const end = elf.indexOf(0, start);
      if (end < 0 || end >= stringsOffset + stringsSize)
        fail(what, 'a dynamic symbol name runs past its table');
      symbols.push({ at: start, name: elf.toString('latin1', start, end) });
    }
    return symbols;
  }
  return fail(what, 'no dynamic symbol table');
}

/**
 * A copy of the template `elf` that exports the groups `keep` accepts and none of the others.
 *
 * @param groups - the `plugin_*` names of each group (the platform manifest's `exportGroups`).
 * @throws Error when a group's symbol is not in the template, or its name shares bytes with another name.
 */
export function withExportGroups(
  elf: Buffer,
  groups: Readonly<Record<string, readonly string[]>>,
  keep: (group: string) => boolean,
  what: string,
): Buffer {
  const out = Buffer.from(elf);
  const symbols = dynamicSymbols(out, what);
  const bySuffix = new Map(
    symbols
      .filter((s) => s.name.startsWith(EXPORTED) || s.name.startsWith(HIDDEN))
      .map((s) => [s.name.slice(EXPORTED.length), s]),
  );
  for (const [group, names] of Object.entries(groups)) {
    const prefix = keep(group) ? EXPORTED : HIDDEN;
    for (const name of names) {
      const symbol = bySuffix.get(name.slice(EXPORTED.length));
      if (!name.startsWith(EXPORTED) || symbol === undefined)
        fail(what, `the template has no symbol ${name}`);
      const shared = symbols.some(
        (s) => s !== symbol && s.at < symbol.at + EXPORTED.length && s.at + s.name.length > symbol.at,
      );
      if (shared) fail(what, `the name of ${name} shares bytes with another symbol's`);
      out.write(prefix, symbol.at, 'latin1');
    }
  }
  return out;
}

/** The template of `registration`: its export groups kept, the others hidden. */
export function pluginExports(
  elf: Buffer,
  groups: Readonly<Record<string, readonly string[]>>,
  registration: PluginRegistration,
  what: string,
): Buffer {
  return withExportGroups(elf, groups, (group) => keepsExportGroup(registration, group), what);
}
