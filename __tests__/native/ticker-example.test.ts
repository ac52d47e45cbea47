/**
 * examples/ticker (a push source over an RxJS Observable) through the native host: every tick an event, in
 * order, and the Observable's completion the end of the capture.
 */
import path from 'node:path';
import { buildTsPlugin, jsonLines, repoRoot, runHost } from './build-native';

let ticker = '';

beforeAll(async () => {
  ticker = await buildTsPlugin(path.join(repoRoot, 'examples/ticker/ticker.ts'), 'ticker');
}, 600_000);

describe('the ticker example in the native host', () => {
  jest.setTimeout(120_000);

  test('each tick is an event with its number; the completion of the Observable ends the capture', () => {
    const r = runHost([
      'run',
      ticker,
      '--open',
      '{"periodMs":2,"count":200}',
      '--fields',
      'ticker.tick',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows.map((row) => row['ticker.tick'])).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(rows[7]['evt.plugininfo']).toBe('{"tick":7}');
  });

  test('bad open params fail the open with the key named', () => {
    const r = runHost(['run', ticker, '--open', '{"periodMs":0}', '--fields', 'ticker.tick']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/could not open plugin ticker with params '\{"periodMs":0\}': .*periodMs/);
  });
});
