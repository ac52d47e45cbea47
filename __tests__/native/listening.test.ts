/**
 * Capture listening through the native host, as libsinsp drives it: capture_open before the source opens,
 * capture_close after it closes, with a table writer; routines on the host's thread pool until they
 * return false, are unsubscribed (also from inside a routine, and from captureClose) or the capture closes;
 * and a host that destroys the plugin with its capture still open.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildNative, buildTsPlugin, fixturesBuildDir, hostPath, jsonLines, runHost } from './build-native';

let listener = '';

beforeAll(async () => {
  buildNative();
  listener = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/listener.ts'), 'listener');
}, 600_000);

const THREADS = JSON.stringify([{ tid: 1, pid: 1, comm: 'init' }]);

/** Runs `file`; a run still going after 60 s (a deadlock) is killed. */
function spawn(file: string, args: string[]) {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  if (r.error) throw r.error;
  return r;
}

/** Runs the listener as the source with its `scenario`, its threads table seeded. */
const run = (scenario: string, extra: string[] = [], config: Record<string, unknown> = {}) =>
  spawn(hostPath, [
    'run',
    listener,
    '--config',
    JSON.stringify({ scenario, ...config }),
    '--threads',
    THREADS,
    '--json',
    '--stats',
    ...extra,
  ]);

/** The plugin's log lines ("[listener] <severity>: <message>"), without the prefix. */
const logs = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('[listener] '))
    .map((l) => l.slice('[listener] '.length));

/** The --stats line. */
const stats = (stderr: string) =>
  JSON.parse(stderr.split('\n').find((l) => l.startsWith('{')) ?? '{}') as Record<string, number>;

/** `field=value` of a summary such as "counter runs=5 active=false; ..." for routine `name`. */
function routine(line: string, name: string): { runs: number; active: boolean } {
  const m = new RegExp(`${name} runs=(\\d+) active=(true|false)`).exec(line);
  if (m === null) throw new Error(`no ${name} in: ${line}`);
  return { runs: Number(m[1]), active: m[2] === 'true' };
}

/** The one log line that starts with `prefix`. */
function line(lines: string[], prefix: string): string {
  const found = lines.filter((l) => l.startsWith(prefix));
  if (found.length !== 1)
    throw new Error(`${found.length} lines start with "${prefix}":\n${lines.join('\n')}`);
  return found[0];
}

describe('capture listening in the native host', () => {
  jest.setTimeout(120_000);

  test('the library exports the capture listening symbols', () => {
    const r = runHost(['info', listener]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info.capabilities).toEqual(['sourcing', 'extraction', 'capture_listening']);
    expect(info.requiredApiVersion).toMatch(/^3\.(\d+)\.0$/);
  });

  test('captureOpen and captureClose in order around the capture, each writing the host table', () => {
    const r = run('count', ['--dump-table', 'threads', '--cycles', '2', '--fields', 'listener.captures']);
    expect(r.status).toBe(0);
    const lines = logs(r.stderr);
    const cycle = [
      'info: captureOpen 1',
      'info: counter stopped after 5 runs',
      'info: captureClose 1: counter runs=5 active=false',
      'info: destroy: counter runs=5 active=false',
    ];
    expect(lines).toEqual([...cycle, ...cycle]);
    // every event comes after captureOpen
    expect(jsonLines(r.stdout).map((e) => e['listener.captures'])).toEqual([1, 1, 1, 1, 1, 1]);
    const dumps = r.stderr.split('\n').filter((l) => l.startsWith('table threads: '));
    expect(dumps).toHaveLength(2);
    const capture = (dump: string) =>
      (JSON.parse(dump.slice('table threads: '.length)) as { entries: { fields: { capture: string } }[] })
        .entries[0].fields.capture;
    expect(dumps.map(capture)).toEqual(['open 1, closed 1', 'open 1, closed 1']);
    expect(stats(r.stderr)).toMatchObject({ errors: 0, table_entries_leaked: 0, routine_runs: 10 });
  });

  test('a routine still running when the capture closes is stopped: it runs no more', () => {
    const r = run('forever', [], { runs: 50 });
    expect(r.status).toBe(0);
    const lines = logs(r.stderr);
    expect(lines.filter((l) => !l.startsWith('info: '))).toEqual([]);
    const atClose = routine(line(lines, 'info: captureClose 1: '), 'forever');
    expect(atClose.active).toBe(true);
    expect(atClose.runs).toBeGreaterThanOrEqual(50);
    // stopped right after captureClose: no run after it, the host's pool is left clean
    expect(routine(line(lines, 'info: destroy: '), 'forever')).toEqual({ runs: atClose.runs, active: false });
    expect(jsonLines(r.stdout)).toHaveLength(3);
    expect(stats(r.stderr)).toMatchObject({ errors: 0 });
  });

  test.each(['forever', 'unsubscribe'])(
    'three captures of one plugin state (%s): each one gets its own routines, none runs after its close',
    (scenario) => {
      const r = run(scenario, ['--captures', '3', '--dump-table', 'threads'], { runs: 20 });
      expect(r.status).toBe(0);
      const lines = logs(r.stderr);
      expect(lines.filter((l) => !l.startsWith('info: ') || l.includes('ran after'))).toEqual([]);
      for (const k of [1, 2, 3]) {
        const close = line(lines, `info: captureClose ${k}: `);
        const name = scenario === 'forever' ? 'forever' : 'closer';
        expect(routine(close, name).runs).toBeGreaterThanOrEqual(20);
      }
      expect(jsonLines(r.stdout).map((row) => row['evt.num'])).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
      const capture = (
        JSON.parse(
          r.stderr
            .split('\n')
            .find((l) => l.startsWith('table threads: '))
            ?.slice('table threads: '.length) ?? '{}',
        ) as { entries: { fields: { capture: string } }[] }
      ).entries[0].fields.capture;
      expect(capture).toBe('open 3, closed 3');
      expect(stats(r.stderr)).toMatchObject({ errors: 0, table_entries_leaked: 0 });
    },
  );

  test('a throw in captureOpen fails capture_open with its message; the capture goes on and closes', () => {
    const r = run('throwOpen', [], { runs: 10 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'capture_open failed for plugin listener: captureOpen failed: no capture today',
    );
    const lines = logs(r.stderr);
    const atClose = routine(line(lines, 'info: captureClose 1: '), 'forever');
    expect(atClose.runs).toBeGreaterThanOrEqual(10);
    expect(routine(line(lines, 'info: destroy: '), 'forever')).toEqual({ runs: atClose.runs, active: false });
    expect(jsonLines(r.stdout)).toHaveLength(3);
  });

  test('a throw in a routine stops it with a logged message; the other routines and the capture go on', () => {
    const r = run('throwRoutine', [], { runs: 20, events: 5 });
    expect(r.status).toBe(0);
    const lines = logs(r.stderr);
    expect(lines.filter((l) => !l.startsWith('info: '))).toEqual(['error: routine 1 stopped: routine broke']);
    const close = line(lines, 'info: captureClose 1: ');
    expect(routine(close, 'thrower')).toEqual({ runs: 2, active: false });
    expect(routine(close, 'counter')).toEqual({ runs: 20, active: false });
    expect(jsonLines(r.stdout)).toHaveLength(5);
  });

  test('a routine past its deadline is stopped and logged; the others go on', () => {
    const r = run('loop', [], { runs: 10 });
    expect(r.status).toBe(0);
    const lines = logs(r.stderr);
    expect(lines.filter((l) => !l.startsWith('info: '))).toEqual([
      'error: routine 1 stopped: runRoutine did not finish within 1000 ms and was stopped',
    ]);
    const close = line(lines, 'info: captureClose 1: ');
    expect(routine(close, 'looper')).toEqual({ runs: 1, active: false });
    expect(routine(close, 'forever').runs).toBeGreaterThanOrEqual(10);
    expect(jsonLines(r.stdout)).toHaveLength(3);
  });

  test('unsubscribe from inside a routine (itself, another) and from captureClose', () => {
    const r = run('unsubscribe', ['--cycles', '3'], { runs: 20 });
    expect(r.status).toBe(0);
    const lines = logs(r.stderr);
    expect(lines.filter((l) => !l.startsWith('info: '))).toEqual([]);
    const closes = lines.filter((l) => l.startsWith('info: captureClose 1: '));
    const destroys = lines.filter((l) => l.startsWith('info: destroy: '));
    expect(closes).toHaveLength(3);
    expect(destroys).toHaveLength(3);
    closes.forEach((close, cycle) => {
      expect(routine(close, 'self')).toEqual({ runs: 3, active: false });
      expect(routine(close, 'killer')).toEqual({ runs: 2, active: false });
      const victim = routine(close, 'victim');
      expect(victim.active).toBe(false);
      expect(lines).toContain(`info: killer stopped victim at ${victim.runs} runs`);
      expect(routine(close, 'closer').active).toBe(false);
      // no run after its unsubscribe in captureClose
      expect(routine(destroys[cycle], 'closer').runs).toBe(routine(close, 'closer').runs);
    });
    expect(stats(r.stderr)).toMatchObject({ errors: 0 });
  });

  test('busy routines unsubscribing each other, over parallel states and cycles: no deadlock', () => {
    const r = run('many', ['--parallel', '2', '--cycles', '5', '--quiet'], { runs: 30, events: 20 });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const lines = logs(r.stderr);
    expect(lines.filter((l) => !l.startsWith('info: '))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('info: captureClose '))).toHaveLength(10);
    expect(stats(r.stderr)).toMatchObject({ errors: 0 });
  });

  test('destroyed with its capture still open: its busy routines are unsubscribed first, none runs after', () => {
    // The host's unsubscribe waits for a run in progress, which waits for the plugin's JavaScript.
    const r = spawn(path.join(fixturesBuildDir, 'open_capture_destroy_host'), [
      listener,
      JSON.stringify({ scenario: 'many', threads: false, runs: 20 }),
      '300',
    ]);
    expect(r.signal).toBeNull();
    expect(r.stdout).not.toContain('deadlock');
    expect(r.status).toBe(0);
    const m = /^subscribed 6 unsubscribed (\d+) ended (\d+) runs-after-destroy 0$/.exec(r.stdout.trim());
    expect(m).not.toBeNull();
    expect(Number(m?.[1]) + Number(m?.[2])).toBe(6);
    expect(r.stderr).not.toContain('error');
  });
});
