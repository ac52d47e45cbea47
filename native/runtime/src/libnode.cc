// The loaded libnode as an ELF image: its file, load address and build id (found once: dladdr scans
// the whole symbol table), symbol lookup, redirection of one of its PLT calls, and dropping its
// read-only pages from memory.
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

// The program headers of the image loaded at `base` (dl_iterate_phdr), for `fn`.
template <typename Fn>
void WithHeaders(uintptr_t base, Fn&& fn) {
  struct Query {
    uintptr_t base;
    Fn* fn;
  } query{base, &fn};
  if (base == 0) return;
  dl_iterate_phdr(
      [](dl_phdr_info* phdr, size_t, void* data) -> int {
        auto* q = static_cast<Query*>(data);
        for (int i = 0; i < phdr->dlpi_phnum; i++) {
          const ElfW(Phdr)& ph = phdr->dlpi_phdr[i];
          if (ph.p_type == PT_LOAD && ph.p_offset == 0 && phdr->dlpi_addr + ph.p_vaddr == q->base) {
            (*q->fn)(phdr);
            return 1;
          }
        }
        return 0;
      },
      &query);
}

}  // namespace

const LibnodeImage& Libnode() {
  static const LibnodeImage image = [] {
    LibnodeImage l;
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&node::GetTracingController), &info) == 0 || info.dli_fname == nullptr) return l;
    l.path = info.dli_fname;
    l.base = reinterpret_cast<uintptr_t>(info.dli_fbase);
    l.handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);  // never closed: libnode stays loaded
    WithHeaders(l.base, [&l](dl_phdr_info* phdr) {
      for (int i = 0; i < phdr->dlpi_phnum; i++) {
        const ElfW(Phdr)& ph = phdr->dlpi_phdr[i];
        if (ph.p_type != PT_NOTE) continue;
        const auto* p = reinterpret_cast<const unsigned char*>(phdr->dlpi_addr + ph.p_vaddr);
        const unsigned char* end = p + ph.p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
          const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(p);
          const unsigned char* name = p + sizeof(ElfW(Nhdr));
          const unsigned char* desc = name + ((note->n_namesz + 3) & ~3u);
          if (desc + note->n_descsz > end) break;
          if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
            l.build_id.assign(reinterpret_cast<const char*>(desc), note->n_descsz);
            return;
          }
          p = desc + ((note->n_descsz + 3) & ~3u);
        }
      }
    });
    return l;
  }();
  return image;
}

void* LibnodeSymbol(const char* name) {
  const LibnodeImage& l = Libnode();
  return l.handle != nullptr ? dlsym(l.handle, name) : nullptr;
}

namespace {

// The writable-after-relocation range of libnode (PT_GNU_RELRO), where its PLT slots live.
bool RelroRange(uintptr_t* start, uintptr_t* end) {
  *start = *end = 0;
  WithHeaders(Libnode().base, [&](dl_phdr_info* phdr) {
    for (int i = 0; i < phdr->dlpi_phnum; i++) {
      const ElfW(Phdr)& ph = phdr->dlpi_phdr[i];
      if (ph.p_type == PT_GNU_RELRO) {
        *start = phdr->dlpi_addr + ph.p_vaddr;
        *end = *start + ph.p_memsz;
      }
    }
  });
  return *end > *start;
}

}  // namespace

void* RedirectLibnodeCall(const char* symbol, void* hook) {
  const LibnodeImage& libnode = Libnode();
  link_map* map = nullptr;
  if (libnode.handle == nullptr || dlinfo(libnode.handle, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr) return nullptr;
  void* target = dlsym(libnode.handle, symbol);
  const uintptr_t base = map->l_addr;
  // glibc has already relocated the address entries of the dynamic section in place; tolerate both.
  auto address = [base](ElfW(Addr) a) { return a < base ? a + base : a; };
  uintptr_t jmprel = 0, symtab = 0, strtab = 0;
  size_t pltrelsz = 0, strsz = 0;
  for (const ElfW(Dyn)* d = map->l_ld; d->d_tag != DT_NULL; ++d) {
    switch (d->d_tag) {
      case DT_JMPREL: jmprel = address(d->d_un.d_ptr); break;
      case DT_PLTRELSZ: pltrelsz = d->d_un.d_val; break;
      case DT_SYMTAB: symtab = address(d->d_un.d_ptr); break;
      case DT_STRTAB: strtab = address(d->d_un.d_ptr); break;
      case DT_STRSZ: strsz = d->d_un.d_val; break;
      case DT_PLTREL:
        if (d->d_un.d_val != DT_RELA) return nullptr;
        break;
      default: break;
    }
  }
  if (jmprel == 0 || symtab == 0 || strtab == 0) return nullptr;
  const auto* relas = reinterpret_cast<const ElfW(Rela)*>(jmprel);
  const auto* syms = reinterpret_cast<const ElfW(Sym)*>(symtab);
  const char* strs = reinterpret_cast<const char*>(strtab);
  const size_t length = std::strlen(symbol);
  const auto bound_addend = static_cast<ElfW(Sxword)>(reinterpret_cast<uintptr_t>(target) - base);
  if (target == nullptr) return nullptr;
  for (size_t i = 0; i < pltrelsz / sizeof(ElfW(Rela)); i++) {
    // The slot holds the resolved address already (libnode is bound at load): compare addresses
    // first, and read a name only for the slot that holds it (the symbol tables stay unread).
    auto* slot = reinterpret_cast<void**>(base + relas[i].r_offset);
    if (*slot != target) continue;
    const auto type = ELF64_R_TYPE(relas[i].r_info);
    if (type == R_X86_64_RELATIVE) {
      if (relas[i].r_addend != bound_addend) continue;
    } else if (type == R_X86_64_JUMP_SLOT) {
      const ElfW(Sym)& sym = syms[ELF64_R_SYM(relas[i].r_info)];
      if (sym.st_name + length >= strsz || strs[sym.st_name + length] != '\0' ||
          std::memcmp(strs + sym.st_name, symbol, length) != 0) {
        continue;
      }
    } else {
      continue;
    }
    uintptr_t relro_start = 0, relro_end = 0;
    const auto at = reinterpret_cast<uintptr_t>(slot);
    const bool in_relro = RelroRange(&relro_start, &relro_end) && at >= relro_start && at + sizeof(void*) <= relro_end;
    const uintptr_t page_size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    void* page = reinterpret_cast<void*>(at & ~(page_size - 1));
    if (in_relro && mprotect(page, page_size, PROT_READ | PROT_WRITE) != 0) return nullptr;
    void* previous = __atomic_exchange_n(slot, hook, __ATOMIC_SEQ_CST);
    if (in_relro) mprotect(page, page_size, PROT_READ);
    return previous;
  }
  return nullptr;
}

void DropLibnodeReadOnlyData() {
  // A library whose text the loader relocates (DT_TEXTREL) has written pages in read-only segments.
  link_map* map = nullptr;
  const LibnodeImage& libnode = Libnode();
  if (libnode.handle == nullptr || dlinfo(libnode.handle, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr) return;
  for (const ElfW(Dyn)* d = map->l_ld; d->d_tag != DT_NULL; ++d) {
    if (d->d_tag == DT_TEXTREL || (d->d_tag == DT_FLAGS && (d->d_un.d_val & DF_TEXTREL) != 0)) return;
  }
  WithHeaders(libnode.base, [](dl_phdr_info* phdr) {
    const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    for (int i = 0; i < phdr->dlpi_phnum; i++) {
      const ElfW(Phdr)& ph = phdr->dlpi_phdr[i];
      // Only segments the loader maps without write permission: their pages are the file's, never
      // changed (relocated data, the RELRO part included, lives in the writable segment). Not the code:
      // the page cache hands it out in large folios, so a running plugin maps most of it back at once.
      if (ph.p_type != PT_LOAD || (ph.p_flags & (PF_W | PF_X)) != 0) continue;
      const uintptr_t start = (phdr->dlpi_addr + ph.p_vaddr + page - 1) & ~(page - 1);
      const uintptr_t end = (phdr->dlpi_addr + ph.p_vaddr + ph.p_filesz) & ~(page - 1);
      if (end > start) madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
    }
  });
}

namespace {
// At library load: the dynamic linker has just read libnode's symbol and relocation tables, and no
// other part of the runtime has run yet.
__attribute__((constructor)) void DropLibnodeTablesAtLoad() { DropLibnodeReadOnlyData(); }
}  // namespace

}  // namespace rt
}  // namespace falco_ts
