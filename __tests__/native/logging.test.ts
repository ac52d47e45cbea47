/**
 * The host logger (plugin API 3.3): a TypeScript plugin's logger, console and process.stderr reach the
 * host's log_fn with the right severity and the plugin's name, through the native host.
 */
import path from 'node:path';
import { buildTsPlugin, dummyCPath, runHost } from './build-native';

let logging = '';

beforeAll(async () => {
  logging = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/logging.ts'), 'logging');
}, 600_000);

test('logger, console and stderr lines go to log_fn with their severity and the plugin name', () => {
  const r = runHost(['run', dummyCPath, '--open', '{"maxEvents":1}', '--extractor', logging]);
  expect(r.status).toBe(0);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('[logging]'));
  expect(lines).toEqual([
    '[logging] error: logger error',
    '[logging] warning: logger warn',
    '[logging] info: logger info',
    '[logging] debug: logger debug',
    '[logging] trace: logger trace',
    '[logging] error: console error 1',
    '[logging] warning: console warn',
    '[logging] info: console log { a: 1 }',
    '[logging] info: console info',
    '[logging] debug: console debug',
    '[logging] error: stderr line',
  ]);
}, 120_000);

test('a plugin requiring API 3.0 never reads log_fn (older hosts do not pass it): its lines go to stderr', async () => {
  const old = await buildTsPlugin(
    path.join(__dirname, 'fixtures/ts/logging-old-host.ts'),
    'logging-old-host',
  );
  const r = runHost(['run', dummyCPath, '--open', '{"maxEvents":1}', '--extractor', old]);
  expect(r.status).toBe(0);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('[logging-old-host]'));
  expect(lines.slice(0, 2)).toEqual(['[logging-old-host] logger error', '[logging-old-host] logger warn']);
  expect(lines).toHaveLength(11);
}, 600_000);
