/**
 * The required event schema version (API 3.12) through the native host: a plugin that declares one exports
 * get_required_event_schema_version with it, the host accepts a compatible version and refuses one of
 * another major with both versions named; a plugin that declares none does not export the symbol.
 */
import path from 'node:path';
import { buildTsPlugin, exportedFunctions, dummySourceArgs, runHost } from './build-native';

const SYMBOL = 'plugin_get_required_event_schema_version';
let accepted = '';
let future = '';
let undeclared = '';

beforeAll(async () => {
  accepted = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/schema-parser.ts'), 'schema-parser');
  future = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/schema-future.ts'), 'schema-future');
  undeclared = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/parser.ts'), 'parser');
}, 600_000);

const exportsSymbol = (library: string) => exportedFunctions(library).includes(SYMBOL);

const runWith = (parser: string) => runHost([...dummySourceArgs(3), '--extractor', parser]);

describe('the required event schema version in the native host', () => {
  jest.setTimeout(120_000);

  test('a declared version is exported and shown by info; none, no symbol', () => {
    expect(exportsSymbol(accepted)).toBe(true);
    expect(exportsSymbol(undeclared)).toBe(false);
    const info = JSON.parse(runHost(['info', accepted]).stdout) as Record<string, unknown>;
    expect(info.requiredEventSchemaVersion).toBe('4.2.0');
    expect(info.requiredApiVersion).toBe('3.12.0');
  });

  test('a compatible version runs', () => {
    const r = runWith(accepted);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('a version of another major is refused before the capture, naming both versions', () => {
    const r = runWith(future);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "plugin schema-future requires event schema version '5.0.0', which the host's event schema version 4.5.1 does not satisfy: the major versions differ",
    );
  });
});
