/**
 * The embedded runtime's own test driver (native/runtime/test): a native host that loads two separately
 * built libraries embedding the runtime and checks the process-wide runtime sharing, environments on
 * several threads, error containment, the event loop pump, Promise awaiting, exits and teardown.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './build-native';

const buildDir = path.join(repoRoot, 'build', 'runtime');

function run(command: string, args: string[], timeout: number) {
  const r = spawnSync(command, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return r;
}

it('passes every check of the runtime test driver', () => {
  for (const args of [
    ['-S', 'native/runtime', '-B', buildDir],
    ['--build', buildDir, '-j2'],
  ]) {
    const r = run('cmake', args, 600_000);
    if (r.status !== 0) throw new Error(`cmake ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  }
  const r = run(path.join(buildDir, 'test', 'falco_ts_runtime_test'), [], 300_000);
  expect(r.signal).toBeNull();
  expect(r.stdout).toMatch(/ALL PASSED: \d+ checks, 0 failures/);
  expect(r.status).toBe(0);
}, 900_000);
