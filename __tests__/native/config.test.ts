/**
 * Config updates (plugin_set_config, API 3.4) through the native host: the update is validated by the
 * plugin's initSchema and delivered typed to setConfig; a refused one names the key and the problem and
 * leaves the old config in place; a plugin without setConfig does not export the symbol.
 */
import path from 'node:path';
import { buildTsPlugin, exportedFunctions, dummySourceArgs, jsonLines, runHost } from './build-native';

let tunable = '';
let parity = '';

beforeAll(async () => {
  tunable = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/tunable.ts'), 'tunable');
  parity = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/parity.ts'), 'parity');
}, 600_000);

/** Five dummy events with the tunable's fields, after an update given after event `at`. */
function runWithUpdate(update: string, at: number) {
  return runHost([
    ...dummySourceArgs(5),
    '--extractor',
    tunable,
    '--extractor-config',
    '{"threshold":3,"label":"a"}',
    '--set-config',
    update,
    '--set-config-at',
    String(at),
    '--fields',
    'tunable.threshold,tunable.label',
    '--json',
  ]);
}

const values = (stdout: string) =>
  jsonLines(stdout).map((row) => `${String(row['tunable.threshold'])} ${String(row['tunable.label'])}`);

describe('config updates in the native host', () => {
  jest.setTimeout(120_000);

  test('a plugin with setConfig exports plugin_set_config, one without does not', () => {
    expect(exportedFunctions(tunable)).toContain('plugin_set_config');
    expect(exportedFunctions(parity)).not.toContain('plugin_set_config');
  });

  test('the update is parsed by initSchema (defaults applied) and takes effect from the next event', () => {
    const r = runWithUpdate('{"label":"y"}', 2);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(values(r.stdout)).toEqual(['3 a', '3 a', '10 y', '10 y', '10 y']);
  });

  test("an update that breaks the schema's own rule is refused with the key and the problem", () => {
    const r = runWithUpdate('{"label":"bad"}', 1);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'set_config failed for plugin tunable: invalid config update: label: label "bad" is not allowed',
    );
    expect(values(r.stdout)).toEqual(['3 a', '3 a', '3 a', '3 a', '3 a']);
  });

  test('an update the plugin refuses reports its message and keeps the old config', () => {
    const r = runWithUpdate('{"label":"refuse"}', 1);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'set_config failed for plugin tunable: config update refused: label "refuse" is reserved',
    );
    expect(values(r.stdout)).toEqual(['3 a', '3 a', '3 a', '3 a', '3 a']);
  });

  test('the host checks the update against the JSON schema before the plugin sees it', () => {
    const r = runWithUpdate('{"threshold":-1}', 1);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('set_config: error in plugin tunable init config: In <root>[threshold]');
    expect(values(r.stdout)).toEqual(['3 a', '3 a', '3 a', '3 a', '3 a']);
  });

  test('an update for a plugin without setConfig is refused by the host: the symbol is not there', () => {
    const r = runHost([
      ...dummySourceArgs(2),
      '--extractor',
      parity,
      '--set-config',
      '{}',
      '--fields',
      'parity.even',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('set_config: plugin parity does not export plugin_set_config');
  });
});
