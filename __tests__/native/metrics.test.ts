/**
 * Metrics (plugin_get_metrics, API 3.6) through the native host: every value type as the host reads it,
 * values read in place while the capture runs, a metric declared mid-capture published from then on,
 * values past a type's range clamped, bad declarations refused at init with their message, a plugin
 * without metrics publishing none.
 */
import path from 'node:path';
import { buildTsPlugin, dummySourceArgs, runHost } from './build-native';

let metered = '';
let parity = '';

beforeAll(async () => {
  metered = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/metered.ts'), 'metered');
  parity = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/parity.ts'), 'parity');
}, 600_000);

/** `events` dummy events with metered.n extracted, and the host's extra arguments. */
function run(events: number, extra: string[], config = '{}') {
  return runHost([
    ...dummySourceArgs(events),
    '--extractor',
    metered,
    '--extractor-config',
    config,
    '--fields',
    'metered.n',
    '--quiet',
    ...extra,
  ]);
}

/** The metric lines on stderr, without their "metric " prefix, in order. */
const metricLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('metric '))
    .map((line) => line.slice('metric '.length));

describe('metrics in the native host', () => {
  jest.setTimeout(120_000);

  test('each value type is published with its name and type, a value past its type clamped', () => {
    const r = run(2, ['--metrics']);
    expect(r.status).toBe(0);
    expect(metricLines(r.stderr)).toEqual([
      'metered.events monotonic u64 2',
      'metered.last_negated non_monotonic s64 -2',
      'metered.half non_monotonic d 1',
      // 2^32 and 2^31, each one past its type's range: the largest value the type holds
      'metered.payload_bytes monotonic u32 4294967295',
      'metered.small non_monotonic s32 2147483647',
    ]);
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('metric '))).toEqual([]);
  });

  test('values are read while the capture runs; a metric declared mid-capture appears from then on', () => {
    const r = run(4, ['--metrics-every', '2']);
    expect(r.status).toBe(0);
    const lines = metricLines(r.stderr);
    const values = (name: string) => lines.filter((l) => l.startsWith(`metered.${name} `));
    expect(values('events')).toEqual([
      'metered.events monotonic u64 2',
      'metered.events monotonic u64 4',
      'metered.events monotonic u64 4',
    ]);
    expect(values('half')).toEqual([
      'metered.half non_monotonic d 1',
      'metered.half non_monotonic d 2',
      'metered.half non_monotonic d 2',
    ]);
    // declared at event 3: not in the first report, in the two after it
    expect(values('late')).toEqual(['metered.late non_monotonic u64 7', 'metered.late non_monotonic u64 7']);
  });

  test('values within their type are published exactly', () => {
    const r = run(1, ['--metrics']);
    expect(r.status).toBe(0);
    // after one event both values still fit (the test above sees them after two)
    expect(metricLines(r.stderr)).toEqual(
      expect.arrayContaining([
        `metered.payload_bytes monotonic u32 ${2 ** 31}`,
        `metered.small non_monotonic s32 ${2 ** 30}`,
      ]),
    );
  });

  test("get_metrics from another thread reads the values while the plugin's JavaScript is busy", () => {
    // one event whose extraction spins for 1.5 s, counting its milliseconds in `spins`; get_metrics
    // every millisecond from the host's poller thread meanwhile
    const r = run(1, ['--metrics', '--metrics-poll', '1'], '{"spinMs":1500}');
    expect(r.status).toBe(0);
    const spins = (prefix: string) =>
      r.stderr
        .split('\n')
        .filter((line) => line.startsWith(`${prefix} metered.spins `))
        .map((line) => Number(line.split(' ').pop()));
    const [final] = spins('metric');
    expect(final).toBeGreaterThan(1000);
    // a get_metrics that waited for JavaScript would only ever see 0 or the final count
    expect(spins('metric-poll').filter((v) => v > 0 && v < final).length).toBeGreaterThan(0);
  });

  test('a metric with a bad name fails init with its message', () => {
    const r = run(1, ['--metrics'], '{"fault":"bad-name"}');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`metric name "has space" must be letters, digits, '_' and '.'`);
    expect(metricLines(r.stderr)).toEqual([]);
  });

  test('a name declared again with another type fails init with its message', () => {
    const r = run(1, ['--metrics'], '{"fault":"conflict"}');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('metric events is already declared with another type');
  });

  test('a plugin that declares no metric publishes none', () => {
    const r = runHost([
      ...dummySourceArgs(2),
      '--extractor',
      parity,
      '--fields',
      'parity.name',
      '--quiet',
      '--metrics',
    ]);
    expect(r.status).toBe(0);
    expect(metricLines(r.stderr)).toEqual([]);
    expect(r.stderr).toBe('');
  });
});
