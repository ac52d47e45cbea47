// The JavaScript files libnode reads from disk at its first context (acorn, cjs-module-lexer, undici:
// Debian builds them "externalized" at /usr/share/nodejs/...).
//
// A self-contained plugin artifact ships libnode in `falco-ts-runtime/` beside the plugin library, with
// those files in `falco-ts-runtime/nodejs/`, and its copy of libnode reads them through
// `/proc/self/fd/<kRuntimeFilesFd>/...` instead (the prefix has the same length, so the artifact
// assembly only rewrites the path bytes). Before Node starts, the runtime opens that folder on exactly
// that descriptor. With the host's own libnode108 (`--system-runtime`), the files must be in
// /usr/share/nodejs, as Debian's package puts them; their absence is reported instead of letting
// libnode abort the host.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "internal.h"

namespace falco_ts {
namespace rt {

namespace {

std::string Directory(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool SameFile(int fd, const std::string& path) {
  struct stat a {}, b {};
  return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

bool ProvideRuntimeFiles(std::string* error) {
  const LibnodeImage& libnode = Libnode();
  if (libnode.path.empty()) {
    *error = "cannot find which libnode was loaded";
    return false;
  }
  const std::string bundled = Directory(libnode.path) + "/nodejs";
  if (!IsDirectory(bundled)) {
    const char* probe = "/usr/share/nodejs/acorn/dist/acorn.js";
    if (::access(probe, R_OK) == 0) return true;
    *error = "libnode (" + libnode.path + ") needs its JavaScript files in /usr/share/nodejs (" +
             probe + " is missing): install Debian's libnode108 with its dependencies, or use the "
             "self-contained artifact of falco-plugin build, which carries them";
    return false;
  }
  if (::fcntl(kRuntimeFilesFd, F_GETFD) != -1) {
    if (SameFile(kRuntimeFilesFd, bundled)) return true;  // opened by an earlier start
    *error = "file descriptor " + std::to_string(kRuntimeFilesFd) +
             ", through which the bundled libnode reads its JavaScript files, is in use by the host";
    return false;
  }
  const int dir = ::open(bundled.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    *error = "cannot open " + bundled + ": " + std::strerror(errno);
    return false;
  }
  // The lowest free descriptor at or above kRuntimeFilesFd: exactly it, or it was taken meanwhile.
  const int fd = ::fcntl(dir, F_DUPFD_CLOEXEC, kRuntimeFilesFd);
  const int saved = errno;
  ::close(dir);
  if (fd == kRuntimeFilesFd) return true;
  if (fd >= 0) ::close(fd);
  *error = fd >= 0 ? "file descriptor " + std::to_string(kRuntimeFilesFd) + " is in use by the host"
                   : "cannot place " + bundled + " on file descriptor " + std::to_string(kRuntimeFilesFd) + ": " +
                         std::strerror(saved);
  return false;
}

}  // namespace rt
}  // namespace falco_ts
