// Bootstrap of every embedded environment (runs inside node::LoadEnvironment as the body of a
// function receiving Node's internal `process` and `require`). Embedded into the library at
// build time, the same for every environment (BUNDLE_PATH comes from the binding). Its return value (the bundle's
// exports) is what the native side calls into.
//
// Order matters: signals and error handlers first, then output routing, then the bundle.
const native = process._linkedBinding('falco_ts_runtime');
const BUNDLE_PATH = native.bundlePath();

const SEVERITY_ERROR = 3;
const SEVERITY_WARNING = 4;
const SEVERITY_INFO = 6;
const SEVERITY_DEBUG = 7;

// Same format as the native side: "<stack head> (at <first frame>)".
function describe(value) {
  try {
    if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
      const stack = value.stack;
      if (typeof stack === 'string' && stack.length > 0) {
        const at = stack.indexOf('\n    at ');
        if (at < 0) return stack;
        const end = stack.indexOf('\n', at + 1);
        const frame = stack.slice(at + 8, end < 0 ? undefined : end).trim();
        return `${stack.slice(0, at)} (at ${frame})`;
      }
      if (value instanceof Error) return `${value.name}: ${value.message}`;
    }
    return String(value);
  } catch {
    return '<unprintable value>';
  }
}

// 0. Cheap drain support: Node's tickInfo flags ([0] nextTick scheduled, [1] rejection to
//    report) let the native side skip the full callback-scope drain when a call left neither.
//    Reached through Node 18's internal test binding (the `require` given to this script loads
//    internal modules); silence its warning. Any surprise: no flags, the native side then always
//    drains with node::CallbackScope.
try {
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  let binding;
  try {
    binding = require('internal/test/binding').internalBinding;
  } finally {
    process.emitWarning = emitWarning;
  }
  const { tickInfo } = binding('task_queue');
  if (tickInfo instanceof Uint8Array && tickInfo.length >= 2) native.setTickInfo(tickInfo);
} catch {
  // keep the always-CallbackScope drain
}

// 1. The host owns the process signals. Node installs a native signal handler the first time a
//    listener for a signal name is added (through its own 'newListener' listener): remove Node's
//    listeners so that process.on('SIGINT', ...) stays a plain event registration.
for (const event of ['newListener', 'removeListener']) {
  for (const listener of process.listeners(event)) process.removeListener(event, listener);
}
process.abort = function abort() {
  throw new Error('process.abort() is not available inside a Falco plugin');
};

// 2. Errors nobody caught are recorded (the native side can retrieve them) instead of ending
//    the event loop, and logged.
process.on('uncaughtException', (err, origin) => {
  const kind = origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException';
  const text = `${kind}: ${describe(err)}`;
  native.recordError(text);
  native.log(SEVERITY_ERROR, text);
});
process.on('unhandledRejection', (reason) => {
  const text = `unhandledRejection: ${describe(reason)}`;
  native.recordError(text);
  native.log(SEVERITY_ERROR, text);
});

// 3. Output goes to the host's logger, never to the host's stdout/stderr.
const util = require('util');
const { Writable } = require('stream');
const format = (args) => util.formatWithOptions({ colors: false }, ...args);

function lineStream(severity, fd) {
  let pending = '';
  const stream = new Writable({
    decodeStrings: false,
    write(chunk, encoding, callback) {
      pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      let nl;
      while ((nl = pending.indexOf('\n')) >= 0) {
        native.log(severity, pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
      callback();
    },
  });
  stream.flushPending = () => {
    if (pending.length > 0) native.log(severity, pending);
    pending = '';
  };
  stream.fd = fd;
  stream.isTTY = false;
  stream._isStdio = true;
  stream.destroySoon = stream.destroy;
  stream._destroy = (err, callback) => callback(err); // like Node's stdio: never really closed
  return stream;
}
const stdout = lineStream(SEVERITY_INFO, 1);
const stderr = lineStream(SEVERITY_ERROR, 2);
for (const [name, stream] of [
  ['stdout', stdout],
  ['stderr', stderr],
]) {
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
}
process._rawDebug = (...args) => native.log(SEVERITY_DEBUG, format(args));

const con = globalThis.console;
con.log = (...args) => native.log(SEVERITY_INFO, format(args));
con.info = (...args) => native.log(SEVERITY_INFO, format(args));
con.debug = (...args) => native.log(SEVERITY_DEBUG, format(args));
con.warn = (...args) => native.log(SEVERITY_WARNING, format(args));
con.error = (...args) => native.log(SEVERITY_ERROR, format(args));
con.trace = function trace(...args) {
  const err = { name: 'Trace', message: format(args) };
  Error.captureStackTrace(err, trace);
  native.log(SEVERITY_DEBUG, err.stack);
};
con.dir = (obj, options) => native.log(SEVERITY_INFO, util.inspect(obj, { ...options, colors: false }));

process.removeAllListeners('warning');
process.on('warning', (w) => native.log(SEVERITY_WARNING, `${w.name}: ${w.message}`));
process.on('exit', () => {
  stdout.flushPending();
  stderr.flushPending();
});

// 4. Stack traces name the plugin's sources. `falco-plugin build` minifies the bundle and appends its
//    source map (positions only, sources relative to the plugin's project) as the last line; frames in
//    the bundle are mapped when a stack is formatted, the map being decoded on the first one. A plugin
//    that sets its own Error.prepareStackTrace replaces this.
const SOURCE_MAP_COMMENT = '// falco-plugin-sdk source map: ';
const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// The segments of each generated line, as [generated column, source, line, column] quadruples (0-based),
// in column order. Segments without a source position are left out.
function decodeMappings(mappings) {
  const digitOf = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE64_DIGITS.length; i++) digitOf[BASE64_DIGITS.charCodeAt(i)] = i;
  const lines = [];
  const values = [0, 0, 0, 0, 0];
  let segments = [];
  let column = 0;
  let source = 0;
  let line = 0;
  let sourceColumn = 0;
  let i = 0;
  while (i <= mappings.length) {
    const c = i < mappings.length ? mappings.charCodeAt(i) : 59;
    if (c === 59 /* ; */) {
      lines.push(Int32Array.from(segments));
      segments = [];
      column = 0;
      i++;
      continue;
    }
    if (c === 44 /* , */) {
      i++;
      continue;
    }
    let count = 0;
    while (i < mappings.length && count < values.length) {
      const next = mappings.charCodeAt(i);
      if (next === 44 || next === 59) break;
      let value = 0;
      let scale = 1;
      let digit;
      do {
        digit = i < mappings.length ? digitOf[mappings.charCodeAt(i++) & 127] : -1;
        if (digit < 0) throw new Error('invalid source map mappings');
        value += (digit & 31) * scale;
        scale *= 32;
      } while (digit & 32);
      values[count++] = value % 2 === 1 ? -(value - 1) / 2 : value / 2;
    }
    column += values[0];
    if (count >= 4) {
      source += values[1];
      line += values[2];
      sourceColumn += values[3];
      segments.push(column, source, line, sourceColumn);
    }
  }
  return lines;
}

// (line, column) of the bundle (1-based, as in stack frames) to "source:line:column", or undefined.
function bundlePositionMapper(source) {
  const at = source.lastIndexOf(SOURCE_MAP_COMMENT);
  if (at < 0) return undefined;
  let decoded;
  return (line, column) => {
    if (decoded === undefined) {
      const end = source.indexOf('\n', at);
      const text = source.slice(at + SOURCE_MAP_COMMENT.length, end < 0 ? undefined : end);
      const map = JSON.parse(text);
      decoded = { sources: map.sources, lines: decodeMappings(map.mappings) };
    }
    const segments = decoded.lines[line - 1];
    if (segments === undefined || segments.length === 0 || segments[0] > column - 1) return undefined;
    let low = 0;
    let high = segments.length / 4 - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (segments[mid * 4] <= column - 1) low = mid;
      else high = mid - 1;
    }
    const name = decoded.sources[segments[low * 4 + 1]];
    return name === undefined
      ? undefined
      : `${name}:${segments[low * 4 + 2] + 1}:${segments[low * 4 + 3] + 1}`;
  };
}

function mapStackTraces(source, scriptName) {
  const mapPosition = bundlePositionMapper(source);
  if (mapPosition === undefined) return;
  const errorToString = Error.prototype.toString;
  const frame = (site) => {
    const text = String(site);
    if (site.getFileName() !== scriptName) return text;
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    const original = mapPosition(line, column);
    const generated = `${scriptName}:${line}:${column}`;
    const at = text.lastIndexOf(generated);
    return original === undefined || at < 0
      ? text
      : text.slice(0, at) + original + text.slice(at + generated.length);
  };
  Error.prepareStackTrace = function prepareStackTrace(error, sites) {
    let head;
    try {
      head = errorToString.call(error);
    } catch {
      head = '<error>';
    }
    try {
      return head + sites.map((site) => `\n    at ${frame(site)}`).join('');
    } catch {
      return head + sites.map((site) => `\n    at ${site}`).join('');
    }
  };
}

// 5. Load the plugin bundle: embedded in the library (compiled as the module BUNDLE_PATH, so that
//    its requires resolve from the library's folder), or a file.
const Module = require('module');
const path = require('path');
const embeddedSource = native.bundleSource();
if (typeof embeddedSource === 'string') mapStackTraces(embeddedSource, native.bundleScriptName());

// Compiles the embedded bundle as Module.prototype._compile does (same wrapper parameters, origin and
// dynamic import()), with the code cache `falco-plugin build` made for it. undefined when Node's
// internals differ from Node 18's: then Module.prototype._compile does it, without the cache.
function compileBundle(source) {
  let internalCompileFunction, makeRequireFunction, esmLoader;
  try {
    ({ internalCompileFunction } = require('internal/vm'));
    ({ makeRequireFunction } = require('internal/modules/helpers'));
    esmLoader = () => require('internal/process/esm_loader').esmLoader;
  } catch {
    return undefined;
  }
  if (typeof internalCompileFunction !== 'function' || typeof makeRequireFunction !== 'function')
    return undefined;
  const cachedData = native.bundleCodeCache();
  const referrer = require('url').pathToFileURL(BUNDLE_PATH).href;
  // The library's file name, with or without a cache (Node 18's V8 keeps the name a cache was made under).
  const scriptName = native.bundleScriptName();
  const result = internalCompileFunction(
    source,
    scriptName,
    0,
    0,
    cachedData,
    false,
    undefined,
    undefined,
    ['exports', 'require', 'module', '__filename', '__dirname'],
    Symbol(`cjs:${scriptName}`),
    (specifier, _, attributes) => esmLoader().import(specifier, referrer, attributes),
  );
  const fn = result.function;
  // A bundle with a dynamic import() has no cache entry (the build finds them in its syntax tree): Node 18's V8
  // drops a script's host-defined options from its code cache, and import() needs them.
  native.bundleCompiled(fn, cachedData === undefined ? undefined : result.cachedDataRejected === true);
  return (module) => {
    const exports = module.exports;
    Reflect.apply(fn, exports, [
      exports,
      makeRequireFunction(module),
      module,
      BUNDLE_PATH,
      path.dirname(BUNDLE_PATH),
    ]);
  };
}

let pluginExports;
try {
  if (typeof embeddedSource === 'string') {
    const bundleModule = new Module(BUNDLE_PATH, null);
    bundleModule.filename = BUNDLE_PATH;
    bundleModule.paths = Module._nodeModulePaths(path.dirname(BUNDLE_PATH));
    const run = compileBundle(embeddedSource);
    if (run) run(bundleModule);
    else bundleModule._compile(embeddedSource, BUNDLE_PATH);
    bundleModule.loaded = true;
    pluginExports = bundleModule.exports;
  } else {
    pluginExports = Module.createRequire(BUNDLE_PATH)(BUNDLE_PATH);
  }
} catch (err) {
  native.loadError(`cannot load ${BUNDLE_PATH}: ${describe(err)}`);
  return undefined;
}
if (pluginExports === null || (typeof pluginExports !== 'object' && typeof pluginExports !== 'function')) {
  native.loadError(`${BUNDLE_PATH} must export an object (module.exports), got ${typeof pluginExports}`);
  return undefined;
}
return pluginExports;
