// Builds the native test host, the C dummy plugin and the host test fixtures
// (synchronously, with cmake), and runs the host. Used by the native tests;
// no jest globalSetup needed.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const nativeBuildDir = path.join(repoRoot, 'build', 'native');
export const fixturesBuildDir = path.join(repoRoot, 'build', 'native-fixtures');
export const hostPath = path.join(nativeBuildDir, 'falco-plugin-host');
export const dummyCPath = path.join(nativeBuildDir, 'libdummy_c.so');

/** Path of a library built from __tests__/native/fixtures (target name without "lib"/".so"). */
export function fixturePath(target: string): string {
  return path.join(fixturesBuildDir, `lib${target}.so`);
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) {
    throw new Error(`${cmd} could not be started: ${r.error.message}`);
  }
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** Whether the process that took a lock is gone (killed runs leave their lock behind). */
function lockIsStale(lock: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - fs.statSync(lock).mtimeMs > 60_000;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

// Serialises builds across jest workers (two make runs in one tree collide).
export function withBuildLock(fn: () => void): void {
  const lock = path.join(repoRoot, 'build', '.native-build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 15 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (lockIsStale(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      sleepMs(200);
    }
  }
  try {
    fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

let built = false;

/**
 * Configures (once) and builds build/native (host + C plugin only) and
 * build/native-fixtures. The build is incremental, so it is cheap when up to
 * date and never tests stale binaries.
 */
export function buildNative(): void {
  if (built) return;
  withBuildLock(() => {
    if (!fs.existsSync(path.join(nativeBuildDir, 'CMakeCache.txt'))) {
      try {
        run('cmake', ['-S', 'native', '-B', nativeBuildDir]);
      } catch (e) {
        // The embedded runtime (native/runtime) needs libnode; the host does
        // not. Without the runtime's dependencies, configure without it.
        console.warn(
          `configuring native/ failed, retrying with FALCO_PLUGIN_NATIVE_RUNTIME=OFF:\n${(e as Error).message}`,
        );
        fs.rmSync(nativeBuildDir, { recursive: true, force: true });
        run('cmake', ['-S', 'native', '-B', nativeBuildDir, '-DFALCO_PLUGIN_NATIVE_RUNTIME=OFF']);
      }
    }
    run('cmake', ['--build', nativeBuildDir, '--target', 'falco-plugin-host', 'dummy_c', '-j2']);
    if (!fs.existsSync(path.join(fixturesBuildDir, 'CMakeCache.txt'))) {
      run('cmake', ['-S', path.join('__tests__', 'native', 'fixtures'), '-B', fixturesBuildDir]);
    }
    run('cmake', ['--build', fixturesBuildDir, '-j2']);
  });
  built = true;
}

export interface HostResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The functions a library exports (defined `T` symbols of its dynamic symbol table). */
export function exportedFunctions(library: string): string[] {
  return execFileSync('nm', ['-D', '--defined-only', library], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length === 3 && parts[1] === 'T')
    .map((parts) => parts[2]);
}

/** The host's arguments for a run of the C dummy source: `events` events, values 1, 2, 3, … */
export function dummySourceArgs(events: number): string[] {
  return [
    'run',
    dummyCPath,
    '--config',
    '{"jitter":0}',
    '--open',
    JSON.stringify({ start: 0, maxEvents: events }),
  ];
}

/** Runs falco-plugin-host with the given arguments. */
export function runHost(args: string[], timeoutMs = 60_000): HostResult {
  const r = spawnSync(hostPath, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) {
    throw r.error;
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Parses the JSON lines printed by `run --json`. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Builds the prebuilt plugin libraries ("templates") and lays out platform/ (the folder
 * `falco-plugin build` uses), after buildNative. Both steps are incremental.
 */
export function buildPluginLayer(): void {
  buildNative();
  withBuildLock(() => {
    run('cmake', ['--build', nativeBuildDir, '--target', 'falco_ts_templates', 'falco-plugin-host', '-j2']);
    run(process.execPath, [path.join('scripts', 'assemble-platform.mjs')]);
  });
}

/** Builds a TypeScript plugin into build/test-plugins/<dir>/ (without type check) and returns its library. */
export async function buildTsPlugin(entry: string, dir: string, options: { systemRuntime?: boolean } = {}) {
  const { buildPlugin } = await import('../../lib/cli/build-command');
  const result = await buildPlugin(entry, {
    output: path.join(repoRoot, 'build', 'test-plugins', dir),
    typecheck: false,
    ...options,
  });
  return result.library;
}

/** A TCP port free on the loopback now, for a host that listens (a webhook plugin). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
