/**
 * Fault containment through the native host: every plugin callback × every kind of fault an author can
 * write, run the way libsinsp calls a plugin. In each cell the host survives, the fault is reported
 * naming the callback, and the calls after it behave as documented (README "Fault containment").
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildPluginLayer, buildTsPlugin, hostPath, jsonLines, runHost } from './build-native';

const FAULTS = ['throw', 'reject', 'loop', 'hang', 'heap', 'recursion', 'exit'] as const;
type Fault = (typeof FAULTS)[number];

/** The line of the fixture's unbounded recursion, which a stack overflow names. */
const RECURSION_LINE =
  readFileSync(path.join(__dirname, 'fixtures/ts/faulty.ts'), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes('=> deeper(n + 1)')) + 1;

/** How the faulty fixture names each callback, and the name the runtime gives it in messages. */
const CALLBACKS = {
  init: 'init',
  open: 'open',
  nextBatch: 'nextBatch',
  extract: 'extract of field 0',
  eventToString: 'eventToString',
  progress: 'progress',
  openParams: 'listOpenParams',
  close: 'close',
  destroy: 'destroy',
} as const;
type Callback = keyof typeof CALLBACKS;

/** Callbacks whose result is used synchronously: a returned Promise is a wrong value, not awaited. */
const SYNCHRONOUS = new Set<Callback>(['extract', 'progress']);
const DEADLINE_MS = 1000;
const HEAP_LIMIT = 'reached the heap limit of 64 MiB: the plugin state is stopped';

/** The message the fault produces in that callback. */
function messageOf(callback: Callback, fault: Fault): string {
  const name = CALLBACKS[callback];
  const promiseAsValue =
    callback === 'extract'
      ? 'got a Promise (extractors return their value synchronously)'
      : 'progress() must return {value: a number from 0 to 1, detail?: a string} synchronously, got a Promise';
  switch (fault) {
    case 'throw':
      return `planned failure in ${callback}`;
    case 'reject':
      return SYNCHRONOUS.has(callback) ? promiseAsValue : `planned rejection in ${callback}`;
    case 'loop':
      return `${name} did not finish within ${DEADLINE_MS} ms and was stopped`;
    case 'hang':
      return SYNCHRONOUS.has(callback)
        ? promiseAsValue
        : `${name} did not finish within ${DEADLINE_MS} ms and was stopped`;
    case 'heap':
      return `out of memory in ${callback === 'extract' ? 'extract (field 0)' : name}: ${HEAP_LIMIT}`;
    case 'recursion':
      // A JavaScript error: named, with where it was thrown in the plugin's source.
      return `RangeError: Maximum call stack size exceeded (at deeper (__tests__/native/fixtures/ts/faulty.ts:${RECURSION_LINE}:`;
    case 'exit':
      return "the plugin's JavaScript environment has exited (process.exit(3))";
  }
}

/** Faults after which the plugin state is stopped: every later call fails fast with the same message. */
const STOPS_THE_STATE = new Set<Fault>(['heap', 'exit']);

let library = '';

/** Runs the faulty fixture (3 events, faulty.text extracted, every deadline 1000 ms, heap limit 64 MiB). */
function runFaulty(config: object, ...options: string[]) {
  return runHost(['run', library, '--config', JSON.stringify(config), '--fields', 'faulty.text', ...options]);
}

/** How many times `text` occurs in `haystack`. */
function count(haystack: string, text: string): number {
  return haystack.split(text).length - 1;
}

beforeAll(async () => {
  buildPluginLayer();
  library = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/faulty.ts'), 'faulty-matrix');
}, 600_000);

const cells = (Object.keys(CALLBACKS) as Callback[]).flatMap((callback) =>
  FAULTS.map((fault) => [callback, fault] as const),
);

describe('the fault matrix: each callback × each fault, through the native host', () => {
  it.each(cells)(
    '%s with %s',
    (callback, fault) => {
      const options = ['--json'];
      if (callback === 'progress') options.push('--progress');
      if (callback === 'openParams') options.push('--list-open-params');
      const r = runFaulty({ throwIn: callback, fault }, ...options);
      const message = messageOf(callback, fault);
      const rows = jsonLines(r.stdout);
      const stops = STOPS_THE_STATE.has(fault);

      // The host survives every fault.
      expect(r.signal).toBeNull();
      switch (callback) {
        case 'init':
        case 'open':
        case 'nextBatch': {
          // The host's call fails with the message; the capture does not start (or ends).
          expect(r.status).toBe(1);
          expect(rows).toHaveLength(0);
          const failed = {
            init: 'could not initialize plugin faulty',
            open: "could not open plugin faulty with params ''",
          };
          const prefix = callback === 'nextBatch' ? 'plugin faulty next_batch failed' : failed[callback];
          expect(r.stderr).toContain(`${prefix}: ${message}`);
          expect(count(r.stderr, message)).toBe(1);
          break;
        }
        case 'extract':
          // Every event is delivered; each extraction fails with the message (after a deadline the state
          // is usable and the next call enters JavaScript again; a stopped state fails fast).
          expect(r.status).toBe(1);
          expect(rows.map((e) => e['faulty.text'])).toEqual([null, null, null]);
          expect(count(r.stderr, message)).toBe(3);
          break;
        case 'eventToString':
          // The text of each event is the error; a stopped state also fails the extractions.
          expect(rows.map((e) => e['evt.plugininfo'])).toEqual(
            Array(3).fill(expect.stringContaining(message)),
          );
          expect(r.status).toBe(stops ? 1 : 0);
          expect(rows.map((e) => e['faulty.text'])).toEqual(
            stops ? [null, null, null] : ['event-1', 'event-2', 'event-3'],
          );
          break;
        case 'progress':
          // get_progress has no error path: the detail says it, the log says it once per capture.
          expect(count(r.stderr, `progress failed (reported once for this capture): ${message}`)).toBe(1);
          expect(r.stderr).toContain(`progress unavailable: ${message}`);
          expect(rows).toHaveLength(3);
          expect(r.status).toBe(stops ? 1 : 0);
          break;
        case 'openParams':
          expect(r.status).toBe(1);
          expect(count(r.stderr, `list_open_params failed: ${message}`)).toBe(1);
          // A stopped state cannot open a capture; otherwise the capture runs.
          expect(rows).toHaveLength(stops ? 0 : 3);
          if (stops) expect(r.stderr).toContain(`could not open plugin faulty with params '': ${message}`);
          break;
        case 'close':
        case 'destroy':
          // Abandoned after the fault, logged once; the host ends normally with every event.
          expect(r.status).toBe(0);
          expect(rows).toHaveLength(3);
          expect(count(r.stderr, `${callback} failed: ${message}`)).toBe(1);
          break;
      }
    },
    60_000,
  );
});

describe('faults beyond the matrix', () => {
  it('heap exhaustion in an extractor keeps the process near the heap limit', () => {
    const r = runFaulty({ throwIn: 'extract', fault: 'heap' }, '--stats');
    expect(r.signal).toBeNull();
    const stats = JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{"events"')) ?? '{}') as {
      maxRssKb: number;
    };
    expect(stats.maxRssKb).toBeLessThan(400 * 1024);
  });

  it('two plugin states on two threads fault independently: each reports its own failure', () => {
    for (const fault of ['loop', 'heap'] as const) {
      const r = runFaulty({ throwIn: 'extract', fault }, '--parallel', '2', '--json');
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      const rows = jsonLines(r.stdout);
      for (const thread of [0, 1]) {
        expect(rows.filter((e) => e.thread === thread)).toHaveLength(3);
      }
      expect(count(r.stderr, messageOf('extract', fault))).toBe(6);
    }
  });

  it('uncaught async errors are recorded and logged, not fatal', () => {
    const r = runFaulty({ throwIn: 'async' }, '--json');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout)).toHaveLength(3);
    expect(r.stderr).toContain('planned unhandled rejection');
  });

  it('console output goes to the host logger, not to stdout', () => {
    const r = runFaulty({ throwIn: 'none' }, '--json');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('faulty init');
    expect(r.stderr).toContain('faulty init with throwIn=none');
  });
});

describe("the host's signals", () => {
  /** Starts a long capture, sends `signal` once events flow, and resolves with how the host ended. */
  function stopWith(signal: NodeJS.Signals, config: object) {
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null; events: number; ms: number }>(
      (resolve) => {
        const host = spawn(hostPath, ['run', library, '--config', JSON.stringify(config), '--json'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let sentAt = 0;
        host.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (sentAt === 0) {
            sentAt = Date.now();
            host.kill(signal);
          }
        });
        host.stderr.resume();
        host.on('close', (code, exitSignal) =>
          resolve({ code, signal: exitSignal, events: jsonLines(stdout).length, ms: Date.now() - sentAt }),
        );
      },
    );
  }

  it.each([
    ['SIGINT', false],
    ['SIGTERM', false],
    ['SIGINT', true],
    ['SIGTERM', true],
  ] as const)(
    '%s stops the host at once (the plugin listening for it: %s)',
    async (signal, catchSignals) => {
      const ended = await stopWith(signal, { events: 1_000_000_000, catchSignals });
      // The host's own handler ran: it stopped the capture, closed and destroyed the plugin, exited 0.
      expect(ended.signal).toBeNull();
      expect(ended.code).toBe(0);
      expect(ended.events).toBeGreaterThan(0);
      expect(ended.ms).toBeLessThan(5_000);
    },
    30_000,
  );
});
