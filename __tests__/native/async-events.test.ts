/**
 * Async events through the native host, as libsinsp drives them: the handler set when the capture starts
 * and reset when it stops, events pushed from the plugin's timers while the capture runs, dump_state, and
 * the failure paths (a throw in startAsync, an emit after the events stopped).
 */
import path from 'node:path';
import { buildTsPlugin, exportedFunctions, jsonLines, runHost } from './build-native';

let heartbeat = '';

beforeAll(async () => {
  heartbeat = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/heartbeat.ts'), 'heartbeat');
}, 600_000);

const run = (config: Record<string, unknown>, extra: string[] = []) =>
  runHost(['run', heartbeat, '--config', JSON.stringify(config), '--json', ...extra]);

/** Each stdout line as "event <n>" or "<async name>:<data>[ dump]". */
function lines(stdout: string): string[] {
  return jsonLines(stdout).map((row) =>
    row.async === undefined
      ? `event ${String(row['evt.num'])}`
      : `${String(row.async)}:${String(row.data)}${row.dump === true ? ' dump' : ''}`,
  );
}

describe('async events in the native host', () => {
  jest.setTimeout(120_000);

  test('the library exports the async event symbols', () => {
    expect(exportedFunctions(heartbeat)).toEqual(
      expect.arrayContaining([
        'plugin_get_async_events',
        'plugin_get_async_event_sources',
        'plugin_set_async_event_handler',
        'plugin_dump_state',
      ]),
    );
  });

  test('events pushed from a timer arrive while the capture runs, between its events', () => {
    const r = run({ events: 10 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out.filter((l) => l.startsWith('event '))).toHaveLength(10);
    expect(out.filter((l) => l.startsWith('started:'))).toEqual(['started:ticks=0']);
    const ticks = out.filter((l) => l.startsWith('tick:'));
    expect(ticks.length).toBeGreaterThan(0);
    // numbered 1, 2, 3, … in order, none lost
    expect(ticks).toEqual(ticks.map((_, i) => `tick:${i + 1}`));
    // the first tick comes before the last event: pushed during the capture
    expect(out.indexOf('tick:1')).toBeLessThan(out.indexOf('event 10'));
    // stopAsync's event is the last: none after the handler is reset
    expect(out[out.length - 1]).toBe(`stopped:ticks=${ticks.length}`);
  });

  test('--dump-state: dumpState writes its events through the dump handler, before the handler is reset', () => {
    const r = run({ events: 3 }, ['--dump-state']);
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    const dumped = out.filter((l) => l.endsWith(' dump'));
    expect(dumped).toHaveLength(1);
    expect(dumped[0]).toMatch(/^state:ticks=\d+ dump$/);
    expect(out.indexOf(dumped[0])).toBeLessThan(out.findIndex((l) => l.startsWith('stopped:')));
  });

  test('a throw in startAsync fails set_async_event_handler with its message; the capture goes on', () => {
    const r = run({ events: 3, fault: 'throwStart' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'error: set_async_event_handler failed for plugin heartbeat: startAsync failed: no broker to connect to',
    ]);
    expect(lines(r.stdout)).toEqual(['event 1', 'event 2', 'event 3']);
  });

  test('an emit after the events stopped is refused with a clear message, never delivered', () => {
    const r = run({ events: 2, fault: 'emitAfterStop' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      '[heartbeat] warning: cannot emit async event "tick": the async events are stopped (stopAsync was called)',
    );
    expect(lines(r.stdout).filter((l) => l === 'tick:late')).toEqual([]);
  });

  test('over cycles and parallel states, each state gets its own handler and events', () => {
    const r = run({ events: 3 }, ['--parallel', '2', '--cycles', '2']);
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows.filter((row) => row.async === 'started')).toHaveLength(4);
    expect(rows.filter((row) => row.async === 'stopped')).toHaveLength(4);
  });
});
