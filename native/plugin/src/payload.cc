// Reads the plugin's payload from the `.falco_ts_payload` section of this library's own file.
//
// Layout (little-endian), written by lib/cli/payload.ts:
//   "FALCOTS\0" magic, u32 format version (6), u32 flags (bit 0 sourcing, bit 1 extraction, bit 2
//   parsing, bit 3 capture listening, bit 4 async events), u32 id, 10 strings as u32 length + bytes (required API version, version, name,
//   description, contact, event source, fields JSON, init schema JSON, extract event sources JSON,
//   bundle), u32 count + count u16 extract event types, the parse event sources JSON as a string,
//   u32 count + count u16 parse event types,
//   u32 count + count u32 call deadlines in ms (0: none), in the order of kDeadlineCallbacks
//   (lib/plugins/call-deadlines.ts DEADLINE_CALLBACKS), u32 heap limit in MiB (0: V8's default),
//   the required event schema version as a string ("" when the plugin declares none), the async event
//   names and the async event sources as JSON strings, u32 padding length + that many zero bytes, then the code cache as a string (u32 length + bytes,
//   16-byte aligned in the file; empty when the build made none). The code cache is not read: it is
//   mapped from the file (PayloadCodeCache) and its pages are dropped after each environment's start.
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "payload.h"
#include "plugin_metadata.h"

namespace falco_ts {

namespace {

constexpr char kSectionName[] = ".falco_ts_payload";
constexpr char kMagic[8] = {'F', 'A', 'L', 'C', 'O', 'T', 'S', '\0'};
constexpr uint32_t kFormatVersion = 6;

class File {
 public:
  explicit File(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) throw std::runtime_error("cannot stat " + path + ": " + std::strerror(errno));
    size_ = static_cast<uint64_t>(st.st_size);
  }
  ~File() { ::close(fd_); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  uint64_t size() const { return size_; }
  int fd() const { return fd_; }

  void Read(uint64_t offset, void* out, uint64_t length) const {
    if (offset > size_ || length > size_ - offset) throw std::runtime_error("the file is truncated");
    auto* p = static_cast<char*>(out);
    while (length > 0) {
      const ssize_t n = ::pread(fd_, p, length, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error(std::string("read failed: ") + std::strerror(errno));
      p += n;
      offset += static_cast<uint64_t>(n);
      length -= static_cast<uint64_t>(n);
    }
  }

 private:
  int fd_;
  uint64_t size_ = 0;
};

// Where the payload section lies in the file.
struct Section {
  uint64_t offset = 0;
  uint64_t size = 0;
};

Section FindSection(const File& file) {
  Elf64_Ehdr eh{};
  file.Read(0, &eh, sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shstrndx >= eh.e_shnum) {
    throw std::runtime_error("not a 64-bit ELF file with section headers");
  }
  auto header = [&](uint32_t index) {
    Elf64_Shdr sh{};
    file.Read(eh.e_shoff + uint64_t{index} * sizeof sh, &sh, sizeof sh);
    return sh;
  };
  const Elf64_Shdr names_header = header(eh.e_shstrndx);
  std::string names(names_header.sh_size, '\0');
  file.Read(names_header.sh_offset, names.data(), names.size());
  for (uint32_t i = 0; i < eh.e_shnum; i++) {
    const Elf64_Shdr sh = header(i);
    if (sh.sh_name >= names.size() || std::strcmp(names.c_str() + sh.sh_name, kSectionName) != 0) continue;
    if (sh.sh_offset > file.size() || sh.sh_size > file.size() - sh.sh_offset) throw std::runtime_error("the file is truncated");
    return Section{sh.sh_offset, sh.sh_size};
  }
  throw std::runtime_error(std::string("no ") + kSectionName + " section");
}

// Reads the payload's fields in order, straight from the file (the bundle goes into its string once).
class Reader {
 public:
  Reader(const File& file, Section section) : file_(file), section_(section) {}
  uint32_t U32() {
    uint32_t v = 0;
    Take(&v, sizeof v);
    return v;
  }
  uint16_t U16() {
    uint16_t v = 0;
    Take(&v, sizeof v);
    return v;
  }
  std::string String() {
    const uint32_t length = U32();
    if (length > left()) throw std::runtime_error("a string runs past the end of the payload");
    std::string s(length, '\0');
    Take(s.data(), length);
    return s;
  }
  // A string left in the file: its offset in the file and its length.
  Section Skip() {
    const uint32_t length = U32();
    if (length > left()) throw std::runtime_error("a string runs past the end of the payload");
    const Section at{section_.offset + pos_, length};
    pos_ += length;
    return at;
  }
  void Take(void* out, uint64_t n) {
    if (n > left()) throw std::runtime_error("the payload is truncated");
    file_.Read(section_.offset + pos_, out, n);
    pos_ += n;
  }
  void Discard(uint64_t n) {
    if (n > left()) throw std::runtime_error("the payload is truncated");
    pos_ += n;
  }

 private:
  uint64_t left() const { return section_.size - pos_; }
  const File& file_;
  Section section_;
  uint64_t pos_ = 0;
};

// The code cache, mapped read-only from the library file for the life of the process (pages are only
// resident while an environment starts; payload.h).
std::string_view g_code_cache;

void MapCodeCache(const File& file, Section at) {
  if (at.size == 0) return;
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t start = at.offset / page * page;
  const uint64_t length = at.offset + at.size - start;
  void* map = mmap(nullptr, length, PROT_READ, MAP_PRIVATE, file.fd(), static_cast<off_t>(start));
  if (map == MAP_FAILED) return;  // no cache: the plugin compiles from source
  g_code_cache = std::string_view(static_cast<const char*>(map) + (at.offset - start), at.size);
}

void Decode(const File& file, Section section, PluginMetadata& m) {
  if (section.size <= 1) throw std::runtime_error("the library has no plugin payload (a template not built by falco-plugin build)");
  Reader r(file, section);
  char magic[sizeof kMagic];
  r.Take(magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof kMagic) != 0) throw std::runtime_error("the plugin payload has a wrong magic");
  const uint32_t version = r.U32();
  if (version != kFormatVersion) {
    throw std::runtime_error("the plugin payload has format " + std::to_string(version) + ", this library reads " +
                             std::to_string(kFormatVersion));
  }
  const uint32_t flags = r.U32();
  m.capability_flags = flags;
  m.sourcing = (flags & kPayloadSourcing) != 0;
  m.extraction = (flags & kPayloadExtraction) != 0;
  m.parsing = (flags & kPayloadParsing) != 0;
  m.listening = (flags & kPayloadListening) != 0;
  m.id = r.U32();
  m.required_api_version = r.String();
  m.version = r.String();
  m.name = r.String();
  m.description = r.String();
  m.contact = r.String();
  m.event_source = r.String();
  m.fields_json = r.String();
  m.init_schema_json = r.String();
  m.extract_event_sources_json = r.String();
  m.bundle = r.String();
  const uint32_t types = r.U32();
  for (uint32_t i = 0; i < types; i++) m.extract_event_types.push_back(r.U16());
  m.parse_event_sources_json = r.String();
  const uint32_t parse_types = r.U32();
  for (uint32_t i = 0; i < parse_types; i++) m.parse_event_types.push_back(r.U16());
  const uint32_t deadlines = r.U32();
  for (uint32_t i = 0; i < deadlines; i++) m.call_deadlines_ms.push_back(r.U32());
  m.heap_limit_mib = r.U32();
  m.required_event_schema_version = r.String();
  m.async_events_json = r.String();
  m.async_event_sources_json = r.String();
  r.Discard(r.U32());  // alignment of the code cache
  MapCodeCache(file, r.Skip());
}

PluginMetadata Load() {
  PluginMetadata m;
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&Load), &info) == 0 || info.dli_fname == nullptr) {
    m.load_error = "cannot find the plugin library's own file";
  } else {
    m.library_path = info.dli_fname;
    if (char* real = ::realpath(info.dli_fname, nullptr)) {
      m.library_path = real;
      std::free(real);
    }
    try {
      const File file(m.library_path);
      Decode(file, FindSection(file), m);
    } catch (const std::exception& e) {
      m.load_error = "cannot read the plugin payload of " + m.library_path + ": " + e.what();
    }
  }
  if (!m.load_error.empty()) {
    // Still a well-formed plugin for the host: it loads, and init fails with load_error.
    PluginMetadata unreadable;
    unreadable.library_path = m.library_path;
    unreadable.load_error = m.load_error;
    m = std::move(unreadable);
    m.required_api_version = "3.0.0";
    m.version = "0.0.0";
    m.name = "unreadable-falco-ts-plugin";
    m.description = m.load_error;
    m.contact = "";
    m.fields_json = "[]";
    m.extract_event_sources_json = "[]";
  }
  return m;
}

// Read while the library is being loaded: the path the host used is then still valid (relative paths
// included), whatever the host does with its working directory later.
__attribute__((constructor)) void LoadAtLibraryLoad() { (void)Metadata(); }

}  // namespace

std::string_view PayloadCodeCache() {
  (void)Metadata();
  return g_code_cache;
}

const PluginMetadata& Metadata() {
  static const PluginMetadata metadata = Load();
  return metadata;
}

uint32_t RequiredApiMinor() {
  static const uint32_t minor = [] {
    const char* dot = std::strchr(Metadata().required_api_version.c_str(), '.');
    return dot ? static_cast<uint32_t>(std::strtoul(dot + 1, nullptr, 10)) : 0u;
  }();
  return minor;
}

}  // namespace falco_ts
