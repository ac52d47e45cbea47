// NODE_EXTRA_CA_CERTS, read when the first TLS context needs the root certificates instead of while
// the process starts.
//
// Node 18's node::InitializeOncePerProcess calls node::crypto::UseExtraCaCerts(file), which builds the
// process-wide root certificate store right there: Node's bundled roots or, in Debian's build, the
// system's CA file, then the extra file. Hundreds of certificates parsed, about 140 ms of CPU in every
// process that embeds the runtime, whether its plugin uses TLS or not. (Node 20 defers it the same
// way.) Here UseExtraCaCerts only records the file, and the first call of node::crypto::NewRootCertStore
// (it is always the one that makes the process-wide store: every other caller asks for that store
// first, through GetOrCreateRootCertStore) adds the file's certificates to the store it returns, with
// Node's own warning when they cannot be read. Both are libnode PLT calls, redirected before process
// init; OpenSSL's functions are looked up in libnode's scope. Without any of them nothing changes.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

constexpr char kUseExtraCaCerts[] = "_ZN4node6crypto15UseExtraCaCertsERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE";
constexpr char kNewRootCertStore[] = "_ZN4node6crypto16NewRootCertStoreEv";

// OpenSSL 3 (libcrypto.so.3, which libnode108 links): the few functions and error-code macros used.
struct OpenSsl {
  void* (*BIO_new_file)(const char*, const char*);
  void (*BIO_free_all)(void*);
  void* (*PEM_read_bio_X509)(void*, void**, int (*)(char*, int, int, void*), void*);
  int (*X509_STORE_add_cert)(void*, void*);
  void (*X509_free)(void*);
  void (*ERR_clear_error)();
  unsigned long (*ERR_get_error)();
  unsigned long (*ERR_peek_error)();
  void (*ERR_error_string_n)(unsigned long, char*, size_t);
  int (*ERR_set_mark)();
  int (*ERR_pop_to_mark)();
};
constexpr unsigned long kErrSystemFlag = 0x80000000ul;
constexpr unsigned long kErrLibOffset = 23;
constexpr unsigned long kErrLibMask = 0xff;
constexpr unsigned long kErrReasonMask = 0x7fffff;
constexpr unsigned long kErrLibPem = 9;
constexpr unsigned long kPemReasonNoStartLine = 108;

OpenSsl g_ssl{};
std::string g_extra_file;  // written before process init, read after
std::atomic<bool> g_store_made{false};
void* (*g_new_root_cert_store)() = nullptr;

bool LoadOpenSsl() {
  auto find = [](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(LibnodeSymbol(name));
    return fn != nullptr;
  };
  return find(g_ssl.BIO_new_file, "BIO_new_file") && find(g_ssl.BIO_free_all, "BIO_free_all") &&
         find(g_ssl.PEM_read_bio_X509, "PEM_read_bio_X509") && find(g_ssl.X509_STORE_add_cert, "X509_STORE_add_cert") &&
         find(g_ssl.X509_free, "X509_free") && find(g_ssl.ERR_clear_error, "ERR_clear_error") &&
         find(g_ssl.ERR_get_error, "ERR_get_error") && find(g_ssl.ERR_peek_error, "ERR_peek_error") &&
         find(g_ssl.ERR_error_string_n, "ERR_error_string_n") && find(g_ssl.ERR_set_mark, "ERR_set_mark") &&
         find(g_ssl.ERR_pop_to_mark, "ERR_pop_to_mark");
}

int NoPassword(char*, int, int, void*) { return 0; }

// Node 18's AddCertsFromFile: 0, or the OpenSSL error that stopped reading.
unsigned long AddCertsFromFile(void* store, const char* file) {
  g_ssl.ERR_clear_error();
  g_ssl.ERR_set_mark();
  unsigned long err = 0;
  if (void* bio = g_ssl.BIO_new_file(file, "r")) {
    while (void* x509 = g_ssl.PEM_read_bio_X509(bio, nullptr, &NoPassword, nullptr)) {
      g_ssl.X509_STORE_add_cert(store, x509);
      g_ssl.X509_free(x509);
    }
    g_ssl.BIO_free_all(bio);
    err = g_ssl.ERR_peek_error();
    // The end of the file ("no start line") is not an error.
    if ((err & kErrSystemFlag) == 0 && ((err >> kErrLibOffset) & kErrLibMask) == kErrLibPem &&
        (err & kErrReasonMask) == kPemReasonNoStartLine) {
      err = 0;
    }
  } else {
    err = g_ssl.ERR_get_error();
  }
  g_ssl.ERR_pop_to_mark();
  return err;
}

void RecordExtraCaCerts(const std::string& file) { g_extra_file = file; }

void* NewRootCertStore() {
  void* store = g_new_root_cert_store();
  if (store != nullptr && !g_store_made.exchange(true) && !g_extra_file.empty()) {
    if (const unsigned long err = AddCertsFromFile(store, g_extra_file.c_str())) {
      char buf[256];
      g_ssl.ERR_error_string_n(err, buf, sizeof buf);
      std::fprintf(stderr, "Warning: Ignoring extra certs from `%s`, load failed: %s\n", g_extra_file.c_str(), buf);
    }
    g_ssl.ERR_clear_error();
  }
  return store;
}

}  // namespace

void DeferExtraCaCerts() {
  const char* file = std::getenv("NODE_EXTRA_CA_CERTS");
  if (file == nullptr || *file == '\0' || !LoadOpenSsl()) return;
  g_new_root_cert_store =
      reinterpret_cast<void* (*)()>(RedirectLibnodeCall(kNewRootCertStore, reinterpret_cast<void*>(&NewRootCertStore)));
  if (g_new_root_cert_store == nullptr) return;
  // If this one fails, Node reads the file at init as before, through the redirected NewRootCertStore
  // (with no file recorded: unchanged).
  RedirectLibnodeCall(kUseExtraCaCerts, reinterpret_cast<void*>(&RecordExtraCaCerts));
}

}  // namespace rt
}  // namespace falco_ts
