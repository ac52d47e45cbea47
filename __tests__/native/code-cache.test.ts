/**
 * The V8 code caches `falco-plugin build` stores in a plugin library (native/runtime/src/code_cache.cc):
 * made by the embedded runtime itself, used by every plugin state of a process, and ignored, the plugin
 * then compiling from source, whenever they do not fit the runtime, the libnode build or the bundle.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildResult } from '../../lib/cli/build-command';
import { buildPluginLayer, hostPath, jsonLines, repoRoot } from './build-native';

const out = path.join(repoRoot, 'build', 'test-plugins', 'code-cache');
const dummy = path.join(repoRoot, 'examples/dummy/dummy.ts');
let cached: BuildResult;
let uncached: BuildResult;
let faulty: BuildResult;
let uncachedFaulty: BuildResult;
let dynamicImport: BuildResult;

beforeAll(async () => {
  buildPluginLayer();
  const { buildPlugin } = await import('../../lib/cli/build-command');
  cached = await buildPlugin(dummy, { output: path.join(out, 'cached'), typecheck: false });
  uncached = await buildPlugin(dummy, {
    output: path.join(out, 'uncached'),
    typecheck: false,
    codeCache: false,
  });
  const fixture = (name: string) => path.join(__dirname, `fixtures/ts/${name}.ts`);
  faulty = await buildPlugin(fixture('faulty'), { output: path.join(out, 'faulty'), typecheck: false });
  uncachedFaulty = await buildPlugin(fixture('faulty'), {
    output: path.join(out, 'uncached-faulty'),
    typecheck: false,
    codeCache: false,
    minify: false,
  });
  dynamicImport = await buildPlugin(fixture('dynamic-import'), {
    output: path.join(out, 'dynamic-import'),
    typecheck: false,
  });
}, 600_000);

/** Runs a dummy library in the native host with FALCO_TS_STARTUP_STATS=1. */
function run(library: string, ...options: string[]) {
  const r = spawnSync(
    hostPath,
    [
      'run',
      library,
      '--config',
      '{"jitter":0}',
      '--open',
      '{"start":0,"maxEvents":5}',
      '--fields',
      'dummy.value,dummy.strvalue',
      '--json',
      ...options,
    ],
    { encoding: 'utf8', env: { ...process.env, FALCO_TS_STARTUP_STATS: '1' }, timeout: 60_000 },
  );
  const starts = r.stderr.split('\n').filter((line) => line.includes('falco-ts runtime: '));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, starts };
}

const expectedEvents = [1, 2, 3, 4, 5].map((n) => ({ 'dummy.value': n, 'dummy.strvalue': String(n) }));
const events = (stdout: string) =>
  jsonLines(stdout).map((e) => ({ 'dummy.value': e['dummy.value'], 'dummy.strvalue': e['dummy.strvalue'] }));

/** The code cache blob inside a library, with the offsets of its fields (layout: code_cache.cc). */
function blobOf(library: Buffer) {
  const start = library.lastIndexOf(Buffer.from('FTSCODE\0', 'latin1')); // the library's code has the magic too
  expect(start).toBeGreaterThan(0);
  const buildIdSize = library.readUInt32LE(start + 16);
  const bundleHash = start + 20 + Math.ceil(buildIdSize / 4) * 4;
  const count = library.readUInt32LE(bundleHash + 8);
  const entries: { offset: number; size: number }[] = [];
  let at = bundleHash + 12;
  for (let i = 0; i < count; i++) {
    const idSize = library.readUInt32LE(at + 4);
    entries.push({ offset: start + library.readUInt32LE(at + 16), size: library.readUInt32LE(at + 20) });
    at += 24 + Math.ceil(idSize / 4) * 4;
  }
  return { start, tag: start + 12, buildId: start + 20, bundleHash, entries };
}

/** A copy of the cached library changed by `edit`, beside the artifact's runtime folder. */
function variant(name: string, edit: (bytes: Buffer, blob: ReturnType<typeof blobOf>) => void): string {
  const dir = path.join(out, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(path.join(cached.artifact, 'falco-ts-runtime'), path.join(dir, 'falco-ts-runtime'));
  const bytes = readFileSync(cached.library);
  edit(bytes, blobOf(bytes));
  const library = path.join(dir, path.basename(cached.library));
  writeFileSync(library, bytes, { mode: 0o755 });
  return library;
}

describe('the code cache of a plugin library', () => {
  it('is made by the build, and every plugin state starts from it', () => {
    expect(cached.codeCacheBytes).toBeGreaterThan(100_000);
    expect(uncached.codeCacheBytes).toBe(0);
    const r = run(cached.library, '--parallel', '2', '--cycles', '2');
    expect(r.status).toBe(0);
    expect(r.starts).toHaveLength(4);
    for (const line of r.starts) {
      expect(line).toMatch(
        /builtins: [1-9]\d+ from the code cache, 0 rejected, 0 compiled; bundle: from the code cache$/,
      );
    }
    const rows = jsonLines(r.stdout);
    expect(rows).toHaveLength(20);
  });

  it("keeps no folder of the build machine; stack traces name the plugin's source, minified and cached or not", () => {
    const bytes = readFileSync(faulty.library).toString('latin1');
    expect(bytes).not.toContain('falco-plugin-build-');
    expect(bytes).not.toContain(repoRoot);
    // Where the fixture throws: the line of the message, the column of its `new Error(`.
    const source = readFileSync(path.join(__dirname, 'fixtures/ts/faulty.ts'), 'utf8').split('\n');
    const line = source.findIndex((text) => text.includes("'planned uncaught error in a timer'"));
    const column = source[line].indexOf('new Error(');
    for (const built of [faulty, uncachedFaulty]) {
      const r = spawnSync(
        hostPath,
        ['run', built.library, '--config', '{"throwIn":"async"}', '--max-events', '3'],
        {
          encoding: 'utf8',
          env: { ...process.env, FALCO_TS_STARTUP_STATS: '1' },
          timeout: 60_000,
        },
      );
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(built === faulty ? 'bundle: from the code cache' : 'bundle: compiled');
      expect(r.stderr).toContain(
        `planned uncaught error in a timer (at Timeout._onTimeout (__tests__/native/fixtures/ts/faulty.ts:${line + 1}:${column + 1}))`,
      );
    }
  });

  it("names where a bug was, in the plugin's source, in the error of the failed call", () => {
    const source = readFileSync(path.join(__dirname, 'fixtures/ts/faulty.ts'), 'utf8').split('\n');
    const line = source.findIndex((text) => text.includes('missing!.id'));
    const column = source[line].indexOf('missing!.id') + 'missing!.'.length;
    for (const built of [faulty, uncachedFaulty]) {
      const r = spawnSync(
        hostPath,
        ['run', built.library, '--config', '{"throwIn":"nextBatch","fault":"bug"}', '--max-events', '3'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.stderr).toContain(
        "plugin faulty next_batch failed: TypeError: Cannot read properties of undefined (reading 'id') " +
          `(at maybeThrow (__tests__/native/fixtures/ts/faulty.ts:${line + 1}:${column + 1}))`,
      );
    }
  });

  it('is not made for a bundle with a dynamic import(), which then works', () => {
    const r = spawnSync(hostPath, ['run', dynamicImport.library, '--max-events', '1', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, FALCO_TS_STARTUP_STATS: '1' },
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /builtins: [1-9]\d+ from the code cache, 0 rejected, 0 compiled; bundle: compiled/,
    );
    expect(jsonLines(r.stdout)[0]['evt.plugininfo']).toContain('imported a/b');
  });

  it('changes nothing the plugin does: same events as the library without a cache', () => {
    const withCache = run(cached.library);
    const without = run(uncached.library);
    expect(without.status).toBe(0);
    expect(without.starts).toHaveLength(1);
    expect(without.starts[0]).toMatch(
      /builtins: 0 from the code cache, 0 rejected, [1-9]\d+ compiled; bundle: compiled$/,
    );
    expect(events(withCache.stdout)).toEqual(expectedEvents);
    expect(events(without.stdout)).toEqual(expectedEvents);
  });

  it.each([
    ['magic', 'not a code cache', (b: Buffer, blob: ReturnType<typeof blobOf>) => (b[blob.start] ^= 0xff)],
    [
      'tag',
      'made by another V8 version or with other V8 flags',
      (b: Buffer, blob: ReturnType<typeof blobOf>) => (b[blob.tag] ^= 0xff),
    ],
    [
      'build-id',
      'made with another libnode build',
      (b: Buffer, blob: ReturnType<typeof blobOf>) => (b[blob.buildId] ^= 0xff),
    ],
    [
      'bundle',
      'made for another bundle',
      (b: Buffer, blob: ReturnType<typeof blobOf>) => (b[blob.bundleHash] ^= 0xff),
    ],
  ])('is ignored when its %s does not fit: "%s", and the plugin compiles from source', (name, why, edit) => {
    const r = run(variant(`changed-${name}`, edit));
    expect(r.status).toBe(0);
    expect(r.starts[0]).toContain(`falco-ts runtime: code cache not used: ${why}`);
    expect(r.starts[1]).toMatch(
      /builtins: 0 from the code cache, 0 rejected, [1-9]\d+ compiled; bundle: compiled$/,
    );
    expect(events(r.stdout)).toEqual(expectedEvents);
  });

  it('has entries V8 itself checks: rejected ones are compiled from source', () => {
    // Offset 12 of V8's code cache header is the hash of the flags it was made with.
    const library = variant('rejected-entries', (bytes, blob) => {
      for (const entry of blob.entries) bytes[entry.offset + 12] ^= 0xff;
    });
    const r = run(library);
    expect(r.status).toBe(0);
    expect(r.starts).toHaveLength(1);
    expect(r.starts[0]).toMatch(
      /builtins: 0 from the code cache, [1-9]\d+ rejected, 0 compiled; bundle: rejected$/,
    );
    expect(events(r.stdout)).toEqual(expectedEvents);
  });
});
