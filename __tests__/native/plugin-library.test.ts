/**
 * TypeScript plugins built into shared libraries with `falco-plugin build` and loaded by the native host
 * the way libsinsp loads them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildPlugin } from '../../lib/cli/build-command';
import { withExportGroups } from '../../lib/cli/export-groups';
import { loadPlatform } from '../../lib/cli/platform';
import { spawnSync } from 'node:child_process';
import {
  buildPluginLayer,
  buildTsPlugin,
  fixturesBuildDir,
  hostPath,
  jsonLines,
  repoRoot,
  runHost,
} from './build-native';

const out = path.join(repoRoot, 'build', 'test-plugins');
const libraries = new Map<string, string>();
const lib = (name: string) => libraries.get(name) ?? path.join(out, name, `lib${name}.so`);
const buildOptions = (name: string) => ({ output: path.join(out, name), typecheck: false });
const dummyFields = 'dummy.value,dummy.strvalue,dummy.divisible[3]';

/** Runs the dummy library with jitter 0 in the native host, with the given open params and options. */
function runDummy(open: object, ...options: string[]) {
  return runHost([
    'run',
    lib('dummy'),
    '--config',
    '{"jitter":0}',
    '--open',
    JSON.stringify(open),
    ...options,
  ]);
}

/** The runtime's process state, shared by every plugin library of a process (a GNU-unique object). */
const SHARED_RUNTIME_SYMBOL = '_ZZN8falco_ts2rt4abi118SharedProcessStateEvE5state';

/** Every symbol the library defines in its dynamic symbol table, with its nm type letter. */
function exportedSymbols(library: string): string[] {
  const text = execFileSync('nm', ['-D', '--defined-only', library], { encoding: 'utf8' });
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length === 3)
    .filter(([, , name]) => !name.startsWith('hidden_')) // the template's groups the plugin does not have
    .map(([, type, name]) => `${type} ${name}`)
    .sort();
}

beforeAll(async () => {
  buildPluginLayer();
  libraries.set('dummy', await buildTsPlugin(path.join(repoRoot, 'examples/dummy/dummy.ts'), 'dummy'));
  libraries.set('parity', await buildTsPlugin(path.join(__dirname, 'fixtures/ts/parity.ts'), 'parity'));
}, 600_000);

describe('examples/dummy as a plugin library', () => {
  it('prints 10 events with values, divisibility and plugininfo', () => {
    const r = runDummy({ start: 0, maxEvents: 10 }, '--fields', dummyFields, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows.map((e) => e['dummy.value'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows.map((e) => e['dummy.strvalue'])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(rows.filter((e) => e['dummy.divisible[3]'] === 1).map((e) => e['dummy.value'])).toEqual([3, 6, 9]);
    expect(rows.map((e) => e['evt.plugininfo'])).toEqual(
      rows.map((e) => `{"sample": "${e['dummy.value']}"}`),
    );
  });

  it('answers the static symbols without init, with the generated schema', () => {
    const r = runHost(['info', lib('dummy')]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({
      name: 'dummy',
      version: '0.11.5',
      id: 999,
      requiredApiVersion: '3.11.0',
      eventSource: 'dummy',
    });
    expect(info.capabilities).toEqual(expect.arrayContaining(['sourcing', 'extraction']));
    expect(info.initSchema).toMatchObject({
      type: 'json',
      schema: { properties: { jitter: { type: 'integer', default: 10 } } },
    });
  });

  it('exports exactly the symbols of its capabilities', () => {
    const common = [
      'plugin_destroy',
      'plugin_get_contact',
      'plugin_get_description',
      'plugin_get_init_schema',
      'plugin_get_last_error',
      'plugin_get_name',
      'plugin_get_required_api_version',
      'plugin_get_version',
      'plugin_init',
      // Groups every plugin keeps (metrics).
      ...Object.entries(loadPlatform().exportGroups)
        .filter(
          ([group]) =>
            !['sourcing', 'extraction', 'parsing', 'listening', 'async', 'config', 'event_schema'].includes(
              group,
            ),
        )
        .flatMap(([, names]) => names),
    ];
    const sourcing = [
      'plugin_close',
      'plugin_event_to_string',
      'plugin_get_event_source',
      'plugin_get_id',
      'plugin_get_progress',
      'plugin_list_open_params',
      'plugin_next_batch',
      'plugin_open',
    ];
    const extraction = [
      'plugin_extract_fields',
      'plugin_get_extract_event_sources',
      'plugin_get_extract_event_types',
      'plugin_get_fields',
    ];
    const expected = (names: string[]) =>
      [...names.map((n) => `T ${n}`), `u ${SHARED_RUNTIME_SYMBOL}`].sort();
    // Exactly these: no weak C++ template instances or other runtime internals leak.
    expect(exportedSymbols(lib('dummy'))).toEqual(expected([...common, ...sourcing, ...extraction]));
    expect(exportedSymbols(lib('parity'))).toEqual(expected([...common, ...extraction]));
  });

  it('rejects a bad config, bad open params and dummy.divisible[0] with clear errors and no crash', () => {
    const config = runHost(['run', lib('dummy'), '--config', '{"jitter":"x"}']);
    expect(config.signal).toBeNull();
    expect(config.status).toBe(1);
    expect(config.stderr).toMatch(/jitter/);
    const open = runHost(['run', lib('dummy'), '--open', 'not json']);
    expect(open.signal).toBeNull();
    expect(open.status).toBe(1);
    expect(open.stderr).toContain('invalid open params: not valid JSON');
    const divisible = runDummy({ maxEvents: 2 }, '--fields', 'dummy.divisible[0]', '--json');
    expect(divisible.signal).toBeNull();
    expect(divisible.status).toBe(1);
    expect(divisible.stderr).toContain(
      'cannot extract dummy.divisible[0] from event 1: the divisor must be greater than 0',
    );
    expect(jsonLines(divisible.stdout)).toHaveLength(2);
  });

  it('answers list_open_params and get_progress', () => {
    const r = runDummy({ maxEvents: 4 }, '--list-open-params', '--progress', '--json');
    expect(r.status).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(JSON.parse(lines[0].replace(/^open params: /, ''))).toEqual([
      { value: '{"start":1,"maxEvents":20}', desc: 'Samples from 1, 20 events', separator: '' },
    ]);
    expect(lines[lines.length - 1]).toMatch(/^progress: 100\.00% 4 of 4 events$/);
  });

  it('survives 1,000 init/destroy cycles without growing (peak RSS within 25% of 100 cycles)', () => {
    const cycles = (n: number) => {
      const r = runHost(
        [
          'run',
          lib('dummy'),
          '--config',
          '{"jitter":0}',
          '--open',
          '{"maxEvents":3}',
          '--fields',
          'dummy.value',
          '--cycles',
          String(n),
          '--stats',
        ],
        600_000,
      );
      expect(r.signal).toBeNull();
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(3 * n);
      return JSON.parse(r.stderr.trim().split('\n').pop() ?? '{}') as { maxRssKb: number; errors: number };
    };
    const few = cycles(100);
    const many = cycles(1000);
    expect(many.errors).toBe(0);
    expect(many.maxRssKb).toBeLessThan(few.maxRssKb * 1.25);
  }, 600_000);

  it('runs two plugin states from two threads at once', () => {
    const r = runDummy(
      { start: 0, maxEvents: 2000 },
      '--fields',
      'dummy.value,dummy.divisible[7]',
      '--parallel',
      '2',
      '--json',
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout);
    for (const thread of [0, 1]) {
      const values = rows.filter((e) => e.thread === thread).map((e) => e['dummy.value']);
      expect(values).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    }
  });
});

describe('field arguments', () => {
  it('passes index arguments as exact uint64 (argIndexBigInt), the number rounded above 2^53', () => {
    const r = runDummy(
      { maxEvents: 1 },
      '--extractor',
      lib('parity'),
      '--fields',
      'parity.index[18446744073709551615],parity.index[9007199254740993],parity.index[7]',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(jsonLines(r.stdout)[0]).toMatchObject({
      'parity.index[18446744073709551615]': '18446744073709551615 18446744073709552000',
      'parity.index[9007199254740993]': '9007199254740993 9007199254740992',
      'parity.index[7]': '7 7',
    });
  });
});

describe('value offsets and several fields per call', () => {
  it('reports value offsets (API 3.11) set by the plugin', () => {
    const r = runDummy(
      { start: 8, maxEvents: 3 },
      '--extractor',
      lib('parity'),
      '--fields',
      'dummy.value,parity.last',
      '--json',
      '--print-offsets',
    );
    expect(r.status).toBe(0);
    expect(
      jsonLines(r.stdout).map((e) => [e['dummy.value'], e['parity.last'], e['parity.last@offsets']]),
    ).toEqual([
      [9, '9', [[38, 1]]],
      [10, '0', [[39, 1]]],
      [11, '1', [[39, 1]]],
    ]);
  });

  it('answers several fields in one extract_fields call, values copied out per field', () => {
    const r = spawnSync(
      path.join(fixturesBuildDir, 'multi_field_host'),
      [lib('dummy'), '{"jitter":0}', '{"start":0,"maxEvents":4}'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      '1 1|1|0|offsets none\n2 2|2|0|offsets none\n3 3|3|1|offsets none\n4 4|4|0|offsets none\n',
    );
  });
});

describe('hosts that destroy plugins late', () => {
  it('survives plugin_destroy called from the exit handlers, after main returned (as sinsp-example does)', () => {
    const r = spawnSync(path.join(fixturesBuildDir, 'exit_destroy_host'), [lib('dummy'), '{"jitter":0}'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('events 20\n');
  });

  it('survives it 50 of 50 times on a loaded machine (the pump stops before Node tears down)', async () => {
    // Two CPU burners, and the host run 5 at a time: the exit handlers then race a running pump.
    const burners = [0, 1].map(() =>
      spawn(process.execPath, ['-e', 'const end = Date.now() + 120000; while (Date.now() < end) {}'], {
        stdio: 'ignore',
      }),
    );
    const runOnce = () =>
      new Promise<string>((resolve) => {
        const child = spawn(path.join(fixturesBuildDir, 'exit_destroy_host'), [lib('dummy'), '{"jitter":0}']);
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (code, signal) => resolve(`${code ?? signal} ${out.trim()}`));
      });
    try {
      const results: string[] = [];
      for (let round = 0; round < 10; round++) {
        results.push(...(await Promise.all([0, 1, 2, 3, 4].map(runOnce))));
      }
      expect(results).toEqual(Array(50).fill('0 events 20'));
    } finally {
      for (const b of burners) b.kill('SIGKILL');
    }
  }, 300_000);
});

describe('two TypeScript plugin libraries in one host process', () => {
  it.each([
    [
      'loop',
      'extract of field 0 did not finish within 500 ms and was stopped',
      ['odd', 'even', 'odd', 'even'],
      4,
    ],
    [
      'heap',
      'out of memory in extract (field 0): reached the heap limit of 64 MiB',
      [null, null, null, null],
      8, // the stopped state fails parity.name too, with the message of the call that stopped it
    ],
  ] as const)('one faulting (%s) while the other keeps working', (fault, message, names, failures) => {
    const r = runDummy(
      { start: 0, maxEvents: 4 },
      '--extractor',
      lib('parity'),
      '--extractor-config',
      JSON.stringify({ evenFault: fault }),
      '--fields',
      'dummy.value,parity.even,parity.name',
      '--json',
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1); // the host's exit status counts the failed extractions
    const rows = jsonLines(r.stdout);
    expect(rows.map((e) => e['dummy.value'])).toEqual([1, 2, 3, 4]);
    expect(rows.map((e) => e['parity.even'])).toEqual([null, null, null, null]);
    // after a deadline the state is usable (its other fields work); out of memory stops it
    expect(rows.map((e) => e['parity.name'])).toEqual(names);
    expect(r.stderr.match(new RegExp(message.replace(/[()]/g, '\\$&'), 'g'))).toHaveLength(failures);
  });

  it('runs the dummy source with the parity extractor beside it', () => {
    const r = runDummy(
      { start: 0, maxEvents: 4 },
      '--extractor',
      lib('parity'),
      '--fields',
      'dummy.value,parity.even,parity.name',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout).map((e) => [e['dummy.value'], e['parity.even'], e['parity.name']])).toEqual([
      [1, false, 'odd'],
      [2, true, 'even'],
      [3, false, 'odd'],
      [4, true, 'even'],
    ]);
  });
});

describe('a library whose payload cannot be read', () => {
  it('still loads, names the problem in its description and fails init with it', () => {
    const dir = path.dirname(lib('dummy'));
    // The template as a sourcing-only library, without a payload.
    const platform = loadPlatform();
    const bare = path.join(dir, 'libbare.so');
    writeFileSync(
      bare,
      withExportGroups(
        readFileSync(platform.template),
        platform.exportGroups,
        (g) => g === 'sourcing',
        'template',
      ),
    );
    const truncated = path.join(dir, 'libtruncated.so');
    const built = readFileSync(lib('dummy'));
    writeFileSync(truncated, built.subarray(0, built.length - 1000));
    try {
      // A sourcing-only template: it loads, its description says why, init fails with the reason.
      const problem = 'the library has no plugin payload (a template not built by falco-plugin build)';
      const info = runHost(['info', bare]);
      expect(info.status).toBe(0);
      expect(JSON.parse(info.stdout)).toMatchObject({ name: 'unreadable-falco-ts-plugin' });
      expect(JSON.parse(info.stdout).description).toContain(problem);
      const run = runHost(['run', bare]);
      expect(run.signal).toBeNull();
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`cannot read the plugin payload of ${bare}: ${problem}`);
      // An extractor whose payload is cut off declares no field: the host refuses it at load, cleanly.
      const cut = runHost(['info', truncated]);
      expect(cut.signal).toBeNull();
      expect(cut.status).toBe(1);
      expect(cut.stderr).toContain('error in plugin unreadable-falco-ts-plugin');
    } finally {
      rmSync(bare, { force: true });
      rmSync(truncated, { force: true });
    }
  });
});

describe('a library built with --system-runtime', () => {
  it("uses the host's libnode108, and without one fails to load with the loader's message", async () => {
    const library = await buildTsPlugin(path.join(repoRoot, 'examples/dummy/dummy.ts'), 'dummy-system', {
      systemRuntime: true,
    });
    const privateLibnode = path.join(repoRoot, '.deps/libnode/usr/lib/x86_64-linux-gnu');
    const system = existsSync('/usr/lib/x86_64-linux-gnu/libnode.so.108');
    const env = system ? process.env : { ...process.env, LD_LIBRARY_PATH: privateLibnode };
    const ok = spawnSync(
      hostPath,
      [
        'run',
        library,
        '--config',
        '{"jitter":0}',
        '--open',
        '{"start":0,"maxEvents":3}',
        '--fields',
        'dummy.value',
      ],
      { encoding: 'utf8', env },
    );
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim().split('\n')).toHaveLength(3);
    if (!system) {
      const missing = spawnSync(hostPath, ['run', library], { encoding: 'utf8' });
      expect(missing.signal).toBeNull();
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toContain('libnode.so.108: cannot open shared object file');
    }
  });
});

describe('falco-plugin build errors', () => {
  const scratch = path.join(out, 'scratch');

  it('reports a missing entry, a compile error and a plugin without capability', async () => {
    mkdirSync(scratch, { recursive: true });
    await expect(buildPlugin(path.join(scratch, 'missing.ts'), buildOptions('missing'))).rejects.toThrow(
      /plugin entry .*missing.ts does not exist/,
    );
    const broken = path.join(scratch, 'broken.ts');
    writeFileSync(broken, 'const x: number = ;\n');
    await expect(buildPlugin(broken, buildOptions('broken'))).rejects.toThrow(
      /cannot compile .*broken.ts:\n.*broken.ts:1:\d+: /,
    );
    const nothing = path.join(scratch, 'nothing.ts');
    writeFileSync(
      nothing,
      `import { BasePlugin, registerPlugin } from 'falco-plugin-sdk';
class Nothing extends BasePlugin {
  info() { return { name: 'nothing', description: 'd', contact: 'c', version: '1.0.0' }; }
}
export default registerPlugin(Nothing as never);
`,
    );
    await expect(buildPlugin(nothing, buildOptions('nothing'))).rejects.toThrow(
      'plugin nothing has no capability',
    );
  });
});
