#!/usr/bin/env bash
# Set up the native build/runtime dependencies of the SDK on Debian 12 (bookworm).
#
# - Build tools and headers that install cleanly from Debian: cmake, g++, libuv1-dev (uv.h),
#   libc-ares2, libvalijson-dev, nlohmann-json3-dev.
# - The runtime files Debian's libnode108 hard-codes (/usr/share/nodejs/{acorn,acorn-walk,
#   cjs-module-lexer,undici}): installed as packages when that does not disturb the machine's
#   own Node, otherwise unpacked from the .deb files and placed there.
# - libnode108 (Node 18.20 as a shared library) + libnode-dev (its embedder headers): both
#   conflict with a vendor "nodejs" package (it Provides nodejs-legacy). libnode108 is installed
#   system-wide only when apt can do that without removing anything; otherwise both are unpacked
#   into a private prefix inside the repository (.deps/libnode, git-ignored). The headers always
#   come from the private prefix (never mix them with another Node's headers).
#
# Safe to run twice (no-op when everything is in place). Ends with a one-line summary.
# Environment: FALCO_TS_DEPS_DIR overrides the private prefix root (default: <repo>/.deps).
set -euo pipefail

log() { printf 'install-native-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS_DIR="${FALCO_TS_DEPS_DIR:-$REPO_ROOT/.deps}"
PREFIX="$DEPS_DIR/libnode"
STAMP="$PREFIX/.installed"

[ -r /etc/debian_version ] || die "this script targets Debian 12"
command -v apt-get >/dev/null || die "apt-get not found"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "run as root (or install sudo)"
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

MULTIARCH="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"

# The machine's own node (if any) must keep working: remember how it answers now.
NODE_BEFORE=""
if [ -x /usr/bin/node ]; then
  NODE_BEFORE="$(/usr/bin/node -v 2>/dev/null || echo broken)"
fi

is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

# True when `apt-get install <pkgs>` would succeed without removing any package.
installs_cleanly() {
  local out
  out="$(apt-get install -s -y --no-install-recommends "$@" 2>&1)" || return 1
  ! printf '%s\n' "$out" | grep -q '^Remv '
}

candidate_version() { apt-cache policy "$1" | awk '/Candidate:/ {print $2; exit}'; }

APT_UPDATED=0
apt_update_once() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
}

apt_install() {
  local missing=() p
  for p in "$@"; do is_installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

BUILD_PKGS=(cmake g++ make pkg-config libuv1-dev libc-ares2 libvalijson-dev nlohmann-json3-dev)
RUNTIME_PKGS=(node-acorn node-cjs-module-lexer node-undici)
RUNTIME_DIRS=(acorn acorn-walk cjs-module-lexer undici)
# The exact files libnode108 reads (NODE_SHARED_BUILTIN_*_PATH in its build config).
RUNTIME_FILES=(acorn/dist/acorn.js acorn-walk/dist/walk.js cjs-module-lexer/lexer.js
  cjs-module-lexer/dist/lexer.js undici/undici-fetch.js)
runtime_files_ok() {
  local f
  for f in "${RUNTIME_FILES[@]}"; do [ -e "/usr/share/nodejs/$f" ] || return 1; done
}

# 0. Package lists: refresh once, only when something must be installed and apt does not know
#    the packages yet (fresh machine). Re-runs on a set-up machine need no network.
need_work=0
for p in "${BUILD_PKGS[@]}"; do is_installed "$p" || need_work=1; done
runtime_files_ok || need_work=1
[ -f "$STAMP" ] && [ -f "$PREFIX/usr/include/node/node.h" ] || need_work=1
if [ "$need_work" -eq 1 ]; then
  cand="$(candidate_version libnode108 || true)"
  if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then apt_update_once; fi
fi

# 1. Build tools and headers.
need_build=0
for p in "${BUILD_PKGS[@]}"; do is_installed "$p" || need_build=1; done
if [ "$need_build" -eq 1 ]; then
  installs_cleanly "${BUILD_PKGS[@]}" || apt_update_once
  installs_cleanly "${BUILD_PKGS[@]}" || die "cannot install ${BUILD_PKGS[*]} without removing packages"
  apt_install "${BUILD_PKGS[@]}"
fi

# Download + unpack one .deb (exact version) into a directory.
unpack_deb() { # <package> <version> <dest>
  local tmp
  tmp="$(mktemp -d)"
  chmod 0755 "$tmp"
  (cd "$tmp" && apt-get download -qq "$1=$2" >/dev/null 2>&1) || { rm -rf "$tmp"; die "apt-get download $1=$2 failed"; }
  mkdir -p "$3"
  dpkg -x "$tmp"/*.deb "$3"
  rm -rf "$tmp"
}

# 2. Runtime files libnode108 loads from hard-coded paths.
runtime_mode="packages"
if ! runtime_files_ok; then
  if installs_cleanly "${RUNTIME_PKGS[@]}"; then
    apt_install "${RUNTIME_PKGS[@]}"
  else
    runtime_mode="unpacked"
    log "node-* packages conflict with the installed Node: placing their files directly"
    stage="$(mktemp -d)"
    for p in "${RUNTIME_PKGS[@]}"; do unpack_deb "$p" "$(candidate_version "$p")" "$stage"; done
    $SUDO mkdir -p /usr/share/nodejs
    for d in "${RUNTIME_DIRS[@]}"; do
      if [ ! -e "/usr/share/nodejs/$d" ] && [ -e "$stage/usr/share/nodejs/$d" ]; then
        $SUDO cp -a "$stage/usr/share/nodejs/$d" /usr/share/nodejs/
      fi
    done
    rm -rf "$stage"
  fi
  runtime_files_ok || die "runtime files still missing under /usr/share/nodejs"
elif ! is_installed node-acorn; then
  runtime_mode="present"
fi

# 3. libnode108 (runtime) + libnode-dev (headers).
LIBNODE_VER="$(dpkg-query -W -f='${Version}' libnode108 2>/dev/null || true)"
libnode_mode=""
if is_installed libnode108; then
  libnode_mode="system"
elif installs_cleanly libnode108; then
  apt_install libnode108
  LIBNODE_VER="$(dpkg-query -W -f='${Version}' libnode108)"
  libnode_mode="system"
else
  libnode_mode="private"
  LIBNODE_VER="$(candidate_version libnode108)"
  [ -n "$LIBNODE_VER" ] && [ "$LIBNODE_VER" != "(none)" ] || die "no libnode108 candidate in apt sources"
fi

want_stamp="libnode-dev=$LIBNODE_VER mode=$libnode_mode"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want_stamp" ] || [ ! -f "$PREFIX/usr/include/node/node.h" ]; then
  log "unpacking libnode-dev $LIBNODE_VER${libnode_mode:+ ($libnode_mode libnode108)} into ${PREFIX#"$REPO_ROOT"/}"
  rm -rf "$PREFIX"
  unpack_deb libnode-dev "$LIBNODE_VER" "$PREFIX"
  if [ "$libnode_mode" = "private" ]; then
    unpack_deb libnode108 "$LIBNODE_VER" "$PREFIX"
  fi
  printf '%s\n' "$want_stamp" > "$STAMP"
fi

if [ "$libnode_mode" = "system" ]; then
  LIBNODE_SO="/usr/lib/$MULTIARCH/libnode.so.108"
else
  LIBNODE_SO="$PREFIX/usr/lib/$MULTIARCH/libnode.so.108"
fi
[ -f "$LIBNODE_SO" ] || die "libnode.so.108 not found at $LIBNODE_SO"
[ -f "$PREFIX/usr/include/node/node.h" ] || die "node.h missing in the private prefix"
[ -f /usr/include/uv.h ] || die "uv.h missing (libuv1-dev)"

# Every shared library libnode needs must resolve.
if missing="$(ldd "$LIBNODE_SO" 2>/dev/null | grep 'not found')"; then
  die "libnode.so.108 has unresolved dependencies: $(printf '%s' "$missing" | awk '{print $1}' | tr '\n' ' ')"
fi

# 4. The machine's own Node must still work.
node_state="no /usr/bin/node"
if [ -n "$NODE_BEFORE" ]; then
  NODE_AFTER="$(/usr/bin/node -v 2>/dev/null || echo broken)"
  [ "$NODE_AFTER" = "$NODE_BEFORE" ] || die "/usr/bin/node changed: before $NODE_BEFORE, after $NODE_AFTER"
  node_state="/usr/bin/node $NODE_AFTER still works"
fi

addon_state="node-addon-api present"
[ -f "$REPO_ROOT/node_modules/node-addon-api/napi.h" ] || addon_state="node-addon-api missing (run npm ci)"

printf 'install-native-deps: OK: libnode %s (%s: %s), headers %s, runtime files %s, %s, %s\n' \
  "$LIBNODE_VER" "$libnode_mode" "${LIBNODE_SO#"$REPO_ROOT"/}" "${PREFIX#"$REPO_ROOT"/}/usr/include/node" \
  "$runtime_mode" "$node_state" "$addon_state"
