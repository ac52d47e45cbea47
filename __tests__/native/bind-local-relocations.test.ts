/**
 * native/runtime/tools/bind-local-relocations.mjs, which scripts/assemble-platform.mjs applies to the
 * artifact's libnode: a library's relocations against its own functions become RELATIVE (as if linked
 * with -Bsymbolic-functions); data, undefined symbols and everything else stay with the dynamic linker.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './build-native';

const dir = path.join(repoRoot, 'build', 'test-bind-local-relocations');
const library = path.join(dir, 'libsample.so');
const driver = path.join(dir, 'driver');

const LIBRARY_SOURCE = `
int helper(int x) { return x + 1; }
int call_helper(int x) { return helper(x) * 2; }
int (*helper_ptr)(int) = helper;
int value = 7;
int *value_ptr = &value;
extern int external_fn(int);
int call_external(int x) { return external_fn(x); }
`;

// Defines helper itself (exported with -rdynamic): unbound, the library's own call goes to this one.
const DRIVER_SOURCE = `
#include <dlfcn.h>
#include <stdio.h>
int helper(int x) { return x + 100; }
int external_fn(int x) { return x * 10; }
int main(int argc, char** argv) {
  void* h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) { fprintf(stderr, "%s\\n", dlerror()); return 1; }
  int (*call_helper)(int) = (int (*)(int))dlsym(h, "call_helper");
  int (**helper_ptr)(int) = (int (**)(int))dlsym(h, "helper_ptr");
  int* value = (int*)dlsym(h, "value");
  int** value_ptr = (int**)dlsym(h, "value_ptr");
  int (*call_external)(int) = (int (*)(int))dlsym(h, "call_external");
  printf("%d %d %d %d\\n", call_helper(1), (*helper_ptr)(1), *value_ptr == value, call_external(3));
  return 0;
}
`;

type Counts = { bound: number; kept: number };
const tool = path.join(repoRoot, 'native/runtime/tools/bind-local-relocations.mjs');

/** Runs the tool (an ES module) in a child Node, as scripts/assemble-platform.mjs does. */
function bindLocalRelocations(file: string): Counts {
  const script = `import(${JSON.stringify(tool)}).then((m) => console.log(JSON.stringify(m.bindLocalRelocations(${JSON.stringify(file)}))))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Counts;
}

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'sample.c'), LIBRARY_SOURCE);
  writeFileSync(path.join(dir, 'driver.c'), DRIVER_SOURCE);
  execFileSync('gcc', ['-O0', '-fPIC', '-shared', '-Wl,-z,now', '-o', library, path.join(dir, 'sample.c')]);
  execFileSync('gcc', ['-O0', '-rdynamic', '-o', driver, path.join(dir, 'driver.c'), '-ldl']);
}, 60_000);

const runDriver = () => spawnSync(driver, [library], { encoding: 'utf8' });
const relocations = () => execFileSync('readelf', ['-r', '-W', library], { encoding: 'utf8' });

describe('bind-local-relocations', () => {
  it('binds the library to its own functions, and leaves data and undefined symbols to the dynamic linker', () => {
    const before = runDriver();
    expect(before.status).toBe(0);
    expect(before.stdout).toBe('202 101 1 30\n'); // the executable's helper interposes

    const counts = bindLocalRelocations(library);
    expect(counts.bound).toBeGreaterThanOrEqual(2); // the call of helper, and helper_ptr
    expect(counts.kept).toBeGreaterThanOrEqual(2); // value_ptr, external_fn
    const after = runDriver();
    expect(after.status).toBe(0);
    expect(after.stdout).toBe('4 2 1 30\n');
    const table = relocations();
    expect(table).not.toMatch(/JUMP_SLOT\s+\S+\s+helper/);
    expect(table).toMatch(/R_X86_64_64\s+\S+\s+value/);
    expect(table).toMatch(/external_fn/);
  });

  it('changes nothing the second time', () => {
    const bytes = readFileSync(library);
    expect(bindLocalRelocations(library).bound).toBe(0);
    expect(readFileSync(library).equals(bytes)).toBe(true);
  });

  it('was applied to the artifact libnode: its relocations against its own functions are bound', () => {
    const libnode = path.join(repoRoot, 'platform', 'linux-x64-gnu', 'falco-ts-runtime', 'libnode.so.108');
    const copy = path.join(dir, 'libnode-copy.so');
    writeFileSync(copy, readFileSync(libnode));
    expect(bindLocalRelocations(copy)).toMatchObject({ bound: 0 });
  });
});
