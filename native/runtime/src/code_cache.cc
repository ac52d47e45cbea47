// V8 code caches of Node's own builtins and of the plugin bundle, made at build time by this very
// runtime (`falco-plugin build` runs the built library once with FALCO_TS_CODE_CACHE_OUT set) and
// consumed by every environment, which then deserialises bytecode instead of compiling Node's
// bootstrap JavaScript and the bundle from source. Debian's libnode108 has neither Node's startup
// snapshot nor its builtin code cache (node_use_node_snapshot and node_use_node_code_cache are false),
// and Node 18 has no embedder API to hand it one.
//
// Builtins: libnode compiles every builtin module through
// node::builtins::BuiltinLoader::LookupAndCompileInternal, called through libnode's PLT. The runtime
// points that PLT slot at CompileBuiltin below (once per library copy of the runtime, chained: a slot
// already pointing at another copy's hook is kept as "next"). For an environment of this runtime copy,
// CompileBuiltin compiles the builtin exactly as Node does (same source, origin and parameters) but
// with the build-time cache when there is one, lazily otherwise, and without serialising a new cache
// after each compilation (Node does that for a later compilation of the same module by the same
// environment, which never comes). Anything else (Workers, environments of other libraries) goes to
// the previous slot target, i.e. Node's own code.
//
// Validity: a blob names the libnode build (its GNU build id), V8's CachedDataVersionTag (V8 version
// and flags) and the bundle it was made with (its hash). A blob that does not match is ignored as a
// whole; V8 itself rejects an entry whose flags or source length differ, and the environment then
// compiles from source: a cache never changes what runs, only how fast it starts.
//
// Blob layout (little-endian, offsets from the blob's start; data 8-byte aligned):
//   "FTSCODE\0", u32 format (1), u32 V8 CachedDataVersionTag, u32 build id length, build id bytes
//   (padded to 4), u64 bundle hash, u32 entry count, then per entry: u32 kind (1 builtin, 2 bundle),
//   u32 id length, u64 source hash (0: not checked), u32 data offset, u32 data length, id bytes
//   (padded to 4); then the entries' data.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

constexpr char kMagic[8] = {'F', 'T', 'S', 'C', 'O', 'D', 'E', '\0'};
constexpr uint32_t kFormat = 1;
constexpr uint32_t kKindBuiltin = 1;
constexpr uint32_t kKindBundle = 2;

// node::builtins::BuiltinLoader::Result
constexpr int kResultWithCache = 0;
constexpr int kResultWithoutCache = 1;

constexpr char kLookupAndCompileInternal[] =
    "_ZN4node8builtins13BuiltinLoader24LookupAndCompileInternalEN2v85LocalINS2_7ContextEEEPKcPSt6vectorINS3_"
    "INS2_6StringEEESaISA_EEPNS1_6ResultE";
constexpr char kLoadBuiltinSource[] = "_ZNK4node8builtins13BuiltinLoader17LoadBuiltinSourceEPN2v87IsolateEPKc";

using LookupAndCompileInternalFn = v8::MaybeLocal<v8::Function> (*)(void* loader, v8::Local<v8::Context> context,
                                                                   const char* id,
                                                                   std::vector<v8::Local<v8::String>>* parameters,
                                                                   int* result);
using LoadBuiltinSourceFn = v8::MaybeLocal<v8::String> (*)(const void* loader, v8::Isolate* isolate, const char* id);

LookupAndCompileInternalFn g_next_compile = nullptr;  // the slot's target before our hook
LoadBuiltinSourceFn g_load_source = nullptr;

uint64_t Fnv1a(const void* data, size_t size, uint64_t hash = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; i++) hash = (hash ^ p[i]) * 0x100000001b3ull;
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Builtins
// ---------------------------------------------------------------------------------------------

// Builtins whose source does not come from libnode itself (Debian reads these from
// /usr/share/nodejs, the artifact from falco-ts-runtime/nodejs) or varies per environment (the
// bootstrap, which names the bundle's path): their cache entries are checked against a source hash.
bool SourceMayVary(const char* id) {
  return std::strncmp(id, "internal/deps/", 14) == 0 || std::strncmp(id, "embedder_main_", 14) == 0;
}

// The cache key of a builtin: its id, except for the bootstrap ("embedder_main_<thread id>").
std::string CacheKey(const char* id) {
  return std::strncmp(id, "embedder_main_", 14) == 0 ? std::string("embedder_main") : std::string(id);
}

uint64_t SourceHash(v8::Isolate* isolate, v8::Local<v8::String> source) {
  if (source->IsExternalOneByte()) {
    const auto* r = source->GetExternalOneByteStringResource();
    return Fnv1a(r->data(), r->length(), 1);
  }
  if (source->IsExternalTwoByte()) {
    const auto* r = source->GetExternalStringResource();
    return Fnv1a(r->data(), r->length() * sizeof(uint16_t), 2);
  }
  std::vector<uint16_t> units(static_cast<size_t>(source->Length()));
  source->Write(isolate, units.data(), 0, static_cast<int>(units.size()), v8::String::NO_NULL_TERMINATION);
  return Fnv1a(units.data(), units.size() * sizeof(uint16_t), 2);
}

v8::MaybeLocal<v8::Function> CompileBuiltin(void* loader, v8::Local<v8::Context> context, const char* id,
                                            std::vector<v8::Local<v8::String>>* parameters, int* result) {
  v8::Isolate* isolate = context->GetIsolate();
  Environment* env = Environment::Current();
  Environment::Impl* impl = env != nullptr ? env->impl_for_internal() : nullptr;
  if (impl == nullptr || (impl->isolate != nullptr && impl->isolate != isolate) || g_load_source == nullptr) {
    return g_next_compile(loader, context, id, parameters, result);
  }
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::String> source;
  if (!g_load_source(loader, isolate, id).ToLocal(&source)) return {};
  // Node's origin for builtins: "node:<id>", shared cross-origin.
  const std::string filename = std::string("node:") + id;
  v8::Local<v8::String> name;
  if (!v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(filename.data()),
                                  v8::NewStringType::kNormal, static_cast<int>(filename.size()))
           .ToLocal(&name)) {
    return {};
  }
  v8::ScriptOrigin origin(isolate, name, 0, 0, true);
  const std::string key = CacheKey(id);
  const uint64_t source_hash = SourceMayVary(id) ? SourceHash(isolate, source) : 0;
  const CodeCacheStore::Entry* entry =
      impl->code_cache ? impl->code_cache->Find(kKindBuiltin, key, source_hash) : nullptr;
  auto* cached = entry == nullptr ? nullptr
                                  : new v8::ScriptCompiler::CachedData(entry->data, static_cast<int>(entry->size),
                                                                       v8::ScriptCompiler::CachedData::BufferNotOwned);
  v8::ScriptCompiler::Source script_source(source, origin, cached);  // owns `cached`
  v8::Local<v8::Function> fn;
  if (!v8::ScriptCompiler::CompileFunction(context, &script_source, parameters->size(), parameters->data(), 0, nullptr,
                                           cached != nullptr ? v8::ScriptCompiler::kConsumeCodeCache
                                                             : v8::ScriptCompiler::kNoCompileOptions)
           .ToLocal(&fn)) {
    return {};
  }
  const bool accepted = cached != nullptr && !script_source.GetCachedData()->rejected;
  *result = accepted ? kResultWithCache : kResultWithoutCache;
  CodeCacheStats& stats = impl->code_cache_stats;
  (accepted ? stats.builtins_from_cache : cached != nullptr ? stats.builtins_rejected : stats.builtins_compiled)++;
  if (impl->code_cache_writer) impl->code_cache_writer->RecordBuiltin(isolate, key, source_hash, fn);
  return scope.Escape(fn);
}

void PutU32(std::string& out, uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void PutU64(std::string& out, uint64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void Pad(std::string& out, size_t alignment) { out.append((alignment - out.size() % alignment) % alignment, '\0'); }

class BlobReader {
 public:
  explicit BlobReader(std::string_view blob) : blob_(blob) {}
  bool U32(uint32_t* v) { return Take(v, sizeof *v); }
  bool U64(uint64_t* v) { return Take(v, sizeof *v); }
  bool Bytes(size_t n, std::string_view* out) {
    if (n > blob_.size() - pos_) return false;
    *out = blob_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Align(size_t alignment) {
    const size_t to = (pos_ + alignment - 1) / alignment * alignment;
    if (to > blob_.size()) return false;
    pos_ = to;
    return true;
  }

 private:
  bool Take(void* out, size_t n) {
    if (n > blob_.size() - pos_) return false;
    std::memcpy(out, blob_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::string_view blob_;
  size_t pos_ = 0;
};

}  // namespace

uint64_t BundleHash(std::string_view bundle) { return Fnv1a(bundle.data(), bundle.size()); }

void InstallBuiltinCompileHook() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_load_source = reinterpret_cast<LoadBuiltinSourceFn>(LibnodeSymbol(kLoadBuiltinSource));
    if (g_load_source == nullptr) return;
    // Serialised with every other runtime copy's patching by the process state's mutex.
    std::lock_guard<std::mutex> lock(abi1::SharedProcessState().mutex);
    g_next_compile = reinterpret_cast<LookupAndCompileInternalFn>(
        RedirectLibnodeCall(kLookupAndCompileInternal, reinterpret_cast<void*>(&CompileBuiltin)));
    DropLibnodeReadOnlyData();  // the relocation table it searched
  });
}

// ---------------------------------------------------------------------------------------------
// CodeCacheStore
// ---------------------------------------------------------------------------------------------

std::unique_ptr<CodeCacheStore> CodeCacheStore::Parse(std::string_view blob, std::string_view bundle,
                                                      std::string* why) {
  BlobReader r(blob);
  std::string_view magic, build_id;
  uint32_t format = 0, tag = 0, build_id_size = 0, count = 0;
  uint64_t bundle_hash = 0;
  if (!r.Bytes(sizeof kMagic, &magic) || std::memcmp(magic.data(), kMagic, sizeof kMagic) != 0 || !r.U32(&format)) {
    *why = "not a code cache";
    return nullptr;
  }
  if (format != kFormat) {
    *why = "code cache format " + std::to_string(format) + ", this runtime reads " + std::to_string(kFormat);
    return nullptr;
  }
  if (!r.U32(&tag) || !r.U32(&build_id_size) || !r.Bytes(build_id_size, &build_id) || !r.Align(4) ||
      !r.U64(&bundle_hash) || !r.U32(&count)) {
    *why = "the code cache is truncated";
    return nullptr;
  }
  if (tag != v8::ScriptCompiler::CachedDataVersionTag()) {
    *why = "made by another V8 version or with other V8 flags";
    return nullptr;
  }
  if (build_id != Libnode().build_id) {
    *why = "made with another libnode build";
    return nullptr;
  }
  if (bundle_hash != BundleHash(bundle)) {
    *why = "made for another bundle";
    return nullptr;
  }
  std::unique_ptr<CodeCacheStore> store(new CodeCacheStore());
  for (uint32_t i = 0; i < count; i++) {
    uint32_t kind = 0, id_size = 0, offset = 0, size = 0;
    uint64_t source_hash = 0;
    std::string_view id;
    if (!r.U32(&kind) || !r.U32(&id_size) || !r.U64(&source_hash) || !r.U32(&offset) || !r.U32(&size) ||
        !r.Bytes(id_size, &id) || !r.Align(4) || offset > blob.size() || size > blob.size() - offset) {
      *why = "the code cache is truncated";
      return nullptr;
    }
    Entry entry{kind, std::string(id), source_hash, reinterpret_cast<const uint8_t*>(blob.data()) + offset, size};
    store->entries_.emplace(std::to_string(kind) + ':' + entry.id, std::move(entry));
  }
  return store;
}

const CodeCacheStore::Entry* CodeCacheStore::Find(uint32_t kind, const std::string& id, uint64_t source_hash) const {
  auto it = entries_.find(std::to_string(kind) + ':' + id);
  if (it == entries_.end() || it->second.source_hash != source_hash) return nullptr;
  return &it->second;
}

const CodeCacheStore::Entry* CodeCacheStore::Bundle() const { return Find(kKindBundle, "bundle", 0); }

// ---------------------------------------------------------------------------------------------
// CodeCacheWriter
// ---------------------------------------------------------------------------------------------

void CodeCacheWriter::RecordBuiltin(v8::Isolate* isolate, const std::string& key, uint64_t source_hash,
                                    v8::Local<v8::Function> fn) {
  for (const Record& r : records_) {
    if (r.kind == kKindBuiltin && r.id == key) return;  // compiled again (another loader): same code
  }
  records_.push_back(Record{kKindBuiltin, key, source_hash, v8::Eternal<v8::Function>(isolate, fn)});
}

void CodeCacheWriter::RecordBundle(v8::Isolate* isolate, v8::Local<v8::Function> fn) {
  records_.push_back(Record{kKindBundle, "bundle", 0, v8::Eternal<v8::Function>(isolate, fn)});
}

bool CodeCacheWriter::Write(v8::Isolate* isolate, std::string_view bundle, std::string* error) {
  v8::HandleScope handle_scope(isolate);
  struct Made {
    const Record* record;
    std::unique_ptr<v8::ScriptCompiler::CachedData> data;
  };
  std::vector<Made> made;
  for (const Record& r : records_) {
    std::unique_ptr<v8::ScriptCompiler::CachedData> data(
        v8::ScriptCompiler::CreateCodeCacheForFunction(r.fn.Get(isolate)));
    if (data != nullptr && data->length > 0) made.push_back(Made{&r, std::move(data)});
  }
  std::string header;
  header.append(kMagic, sizeof kMagic);
  PutU32(header, kFormat);
  PutU32(header, v8::ScriptCompiler::CachedDataVersionTag());
  const std::string& build_id = Libnode().build_id;
  PutU32(header, static_cast<uint32_t>(build_id.size()));
  header += build_id;
  Pad(header, 4);
  PutU64(header, BundleHash(bundle));
  PutU32(header, static_cast<uint32_t>(made.size()));
  size_t table_size = 0;
  for (const Made& m : made) table_size += 24 + (m.record->id.size() + 3) / 4 * 4;
  size_t offset = (header.size() + table_size + 7) / 8 * 8;
  std::string data;
  for (const Made& m : made) {
    PutU32(header, m.record->kind);
    PutU32(header, static_cast<uint32_t>(m.record->id.size()));
    PutU64(header, m.record->source_hash);
    PutU32(header, static_cast<uint32_t>(offset + data.size()));
    PutU32(header, static_cast<uint32_t>(m.data->length));
    header += m.record->id;
    Pad(header, 4);
    data.append(reinterpret_cast<const char*>(m.data->data), static_cast<size_t>(m.data->length));
    Pad(data, 8);
  }
  Pad(header, 8);
  const std::string tmp = path_ + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  bool ok = f != nullptr && std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (f != nullptr && std::fclose(f) != 0) ok = false;
  if (!ok || std::rename(tmp.c_str(), path_.c_str()) != 0) {
    *error = "cannot write the code cache " + path_ + ": " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

void DropFileBackedPages(std::string_view view) {
  if (view.empty()) return;
  const uintptr_t page_size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t start = (reinterpret_cast<uintptr_t>(view.data()) + page_size - 1) & ~(page_size - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(view.data()) + view.size()) & ~(page_size - 1);
  if (end > start) madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
}

}  // namespace rt
}  // namespace falco_ts
