#!/usr/bin/env node
// Lays out the prebuilt platform folder that the package ships and `falco-plugin build` uses:
//
//   platform/linux-x64-gnu/
//     manifest.json            platform, minimum glibc, Node version, export groups, file names
//     templates/falco-ts-plugin.so   the prebuilt plugin library, with every group of exports
//     bin/falco-plugin-host    the native test host (`falco-plugin run` / `info`)
//     falco-ts-runtime/        what a self-contained artifact carries beside lib<name>.so:
//       libnode.so.108 and every shared library it needs beyond glibc, its JavaScript files in
//       nodejs/, and the copyright files of the Debian packages they come from in licenses/
//
// Input: build/native (npm run build:native) and its platform-inputs.json. Run on Debian 12 after
// scripts/install-native-deps.sh. Safe to run again (the folder is laid anew).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bindLocalRelocations } from '../native/runtime/tools/bind-local-relocations.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = process.env.FALCO_PLUGIN_NATIVE_BUILD ?? path.join(repo, 'build', 'native');
const platformName = 'linux-x64-gnu';
const out = path.join(repo, 'platform', platformName);
const runtimeDirName = 'falco-ts-runtime';

// What glibc provides: never shipped (the artifact needs a glibc at or above the minimum instead).
const GLIBC_SONAMES = new Set([
  'libc.so.6',
  'libm.so.6',
  'libpthread.so.0',
  'libdl.so.2',
  'librt.so.1',
  'libresolv.so.2',
  'ld-linux-x86-64.so.2',
]);

// The files Debian's libnode108 reads at its first context, relative to /usr/share/nodejs.
const NODE_JS_FILES = [
  'acorn/dist/acorn.js',
  'acorn-walk/dist/walk.js',
  'cjs-module-lexer/lexer.js',
  'cjs-module-lexer/dist/lexer.js',
  'undici/undici-fetch.js',
];
const NODE_JS_PREFIX = '/usr/share/nodejs/';
// Must match kRuntimeFilesFd in native/runtime/src/internal.h (same length as NODE_JS_PREFIX).
const RUNTIME_FILES_FD = 987;
const PATCHED_PREFIX = `/proc/self/fd/${RUNTIME_FILES_FD}/`;

function fail(message) {
  process.stderr.write(`assemble-platform: error: ${message}\n`);
  process.exit(1);
}

function run(command, args) {
  return execFileSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** soname → resolved path of every library `file` needs, transitively (as ldd resolves them). */
function dependencyClosure(file) {
  const libs = new Map();
  for (const line of run('ldd', [file]).split('\n')) {
    const m = /^\s*(\S+)\s+=>\s+(\S+)\s+\(/.exec(line);
    if (m) libs.set(m[1], m[2]);
    else if (/not found/.test(line)) fail(`${file}: ${line.trim()}`);
  }
  return libs;
}

/** The highest GLIBC_x.y version an ELF file needs (its version-needs section). */
function glibcNeeded(file) {
  let best = [0, 0];
  for (const m of run('readelf', ['--version-info', '--wide', file]).matchAll(/Name: GLIBC_(\d+)\.(\d+)/g)) {
    const v = [Number(m[1]), Number(m[2])];
    if (v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  }
  return best;
}

/** The plugin_* symbols an ELF file defines and exports (its dynamic ones, or an object file's globals). */
function definedPluginSymbols(file, dynamic) {
  const out = run('nm', [
    ...(dynamic ? ['-D'] : []),
    '--defined-only',
    '--extern-only',
    '--format=posix',
    file,
  ]);
  return out
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name.startsWith('plugin_'))
    .sort();
}

/**
 * The plugin_* symbols of each export group (native/plugin/src/<group>/), from its object files; every
 * symbol the template exports that no group defines is the core's, which every plugin keeps.
 */
function exportGroupsOf(groups, templateFile) {
  const exported = new Set(definedPluginSymbols(templateFile, true));
  const result = {};
  for (const [group, objects] of Object.entries(groups).sort()) {
    const names = [...new Set(objects.flatMap((o) => definedPluginSymbols(o, false)))].sort();
    if (names.length === 0) fail(`export group ${group} defines no plugin_* symbol`);
    for (const name of names) {
      if (!exported.has(name)) fail(`${name} of export group ${group} is not exported by the template`);
    }
    result[group] = names;
  }
  return result;
}

/** The Debian package's copyright file of an installed (or unpacked) file. */
function copyrightOf(file, prefix) {
  let pkg = null;
  if (prefix && file.startsWith(prefix)) {
    const major = /^libnode\.so\.(\d+)$/.exec(path.basename(file))?.[1];
    pkg = major ? `libnode${major}` : null;
    const doc = pkg && path.join(prefix, 'share', 'doc', pkg, 'copyright');
    return doc && fs.existsSync(doc) ? { pkg, doc } : null;
  }
  try {
    pkg = run('dpkg', ['-S', fs.realpathSync(file)])
      .split(':')[0]
      .trim();
  } catch {
    try {
      pkg = run('dpkg', ['-S', file]).split(':')[0].trim();
    } catch {
      return null;
    }
  }
  const doc = path.join('/usr/share/doc', pkg, 'copyright');
  return fs.existsSync(doc) ? { pkg, doc } : null;
}

/** Rewrites libnode's /usr/share/nodejs/ paths of its externalized JavaScript files. */
function patchLibnode(file) {
  const bytes = fs.readFileSync(file);
  let patched = 0;
  for (const rel of NODE_JS_FILES) {
    const needle = Buffer.from(NODE_JS_PREFIX + rel + '\0');
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
      bytes.write(PATCHED_PREFIX, at, 'latin1');
      patched++;
    }
  }
  if (patched < NODE_JS_FILES.length) {
    fail(`${file}: found ${patched} of the ${NODE_JS_FILES.length} paths of its JavaScript files`);
  }
  fs.writeFileSync(file, bytes);
  return patched;
}

function copyExecutable(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(fs.realpathSync(from), to);
  fs.chmodSync(to, 0o755);
}

if (PATCHED_PREFIX.length !== NODE_JS_PREFIX.length) fail('the patched prefix must keep the length');
const inputsFile = path.join(buildDir, 'platform-inputs.json');
if (!fs.existsSync(inputsFile)) fail(`${inputsFile} is missing: run npm run build:native first`);
const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));

// Up to date: nothing to do (the folder may be in use by running plugins and builds).
const manifestFile = path.join(out, 'manifest.json');
if (fs.existsSync(manifestFile) && !process.argv.includes('--force')) {
  const built = fs.statSync(manifestFile).mtimeMs;
  const sources = [
    inputsFile,
    inputs.host,
    inputs.libnode,
    fileURLToPath(import.meta.url),
    fileURLToPath(new URL('../native/runtime/tools/bind-local-relocations.mjs', import.meta.url)),
    inputs.template,
  ];
  if (sources.every((f) => fs.statSync(f).mtimeMs <= built)) {
    process.stdout.write(`assemble-platform: ${path.relative(repo, out)} is up to date\n`);
    process.exit(0);
  }
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

// The template, the symbols of each export group, and the host.
const template = 'templates/falco-ts-plugin.so';
copyExecutable(inputs.template, path.join(out, template));
const exportGroups = exportGroupsOf(inputs.groups, path.join(out, template));
copyExecutable(inputs.host, path.join(out, 'bin', 'falco-plugin-host'));

// The runtime: libnode and its libraries, libstdc++ and libgcc_s included (hosts without them).
const runtime = path.join(out, runtimeDirName);
const licenses = path.join(runtime, 'licenses');
fs.mkdirSync(licenses, { recursive: true });
const shipped = new Map([['libnode.so.108', inputs.libnode]]);
for (const [soname, file] of dependencyClosure(inputs.libnode)) {
  if (!GLIBC_SONAMES.has(soname)) shipped.set(soname, file);
}
const notices = new Map();
for (const [soname, file] of shipped) {
  copyExecutable(file, path.join(runtime, soname));
  const notice = copyrightOf(file, inputs.libnodePrefix);
  if (!notice) fail(`no copyright file found for ${file}`);
  notices.set(notice.pkg, notice.doc);
}
const patched = patchLibnode(path.join(runtime, 'libnode.so.108'));
const { bound } = bindLocalRelocations(path.join(runtime, 'libnode.so.108')); // its own calls: ~15 ms less start-up
for (const rel of NODE_JS_FILES) {
  const from = path.join(NODE_JS_PREFIX, rel);
  if (!fs.existsSync(from)) fail(`${from} is missing: run scripts/install-native-deps.sh`);
  const to = path.join(runtime, 'nodejs', rel);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  const notice = copyrightOf(from, null);
  if (notice) notices.set(notice.pkg, notice.doc);
}
for (const [pkg, doc] of [...notices].sort()) fs.copyFileSync(doc, path.join(licenses, `${pkg}.copyright`));

// Minimum glibc over every ELF file shipped.
const elfFiles = [
  path.join(out, template),
  path.join(out, 'bin', 'falco-plugin-host'),
  ...[...shipped.keys()].map((s) => path.join(runtime, s)),
];
let minGlibc = [0, 0];
for (const f of elfFiles) {
  const v = glibcNeeded(f);
  if (v[0] > minGlibc[0] || (v[0] === minGlibc[0] && v[1] > minGlibc[1])) minGlibc = v;
}

const nodeVersion = (() => {
  const header = path.join(inputs.libnodePrefix, 'include', 'node', 'node_version.h');
  const text = fs.existsSync(header) ? fs.readFileSync(header, 'utf8') : '';
  const part = (n) => new RegExp(`#define NODE_${n}_VERSION (\\d+)`).exec(text)?.[1] ?? '?';
  return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
})();

const runtimeBytes = [...shipped.keys()].reduce((n, s) => n + fs.statSync(path.join(runtime, s)).size, 0);
const manifest = {
  platform: platformName,
  minGlibc: `${minGlibc[0]}.${minGlibc[1]}`,
  node: nodeVersion,
  template,
  exportGroups,
  host: 'bin/falco-plugin-host',
  runtime: runtimeDirName,
  runtimeLibraries: [...shipped.keys()].sort(),
  runtimeFilesFd: RUNTIME_FILES_FD,
};
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
process.stdout.write(
  `assemble-platform: ${path.relative(repo, out)}: the template with ${Object.keys(exportGroups).length} export groups, ` +
    `runtime of ${shipped.size} libraries (${(runtimeBytes / 1048576).toFixed(1)} MiB, libnode paths patched: ` +
    `${patched}, its own calls bound: ${bound}), Node ${nodeVersion}, glibc >= ${manifest.minGlibc}\n`,
);
