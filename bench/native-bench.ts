/**
 * Benchmark of TypeScript plugin libraries against the same plugin written in C (the floor), all driven
 * by the native host the way libsinsp drives them, runs interleaved (TS, C, TS, C, ...). Prints each
 * figure beside its goal and writes build/bench/native.json.
 *
 *   npm run bench            (after npm run setup; BENCH_EVENTS, BENCH_RUNS to change the defaults)
 *
 * Workloads: the source alone; one field per event; a rules-like load (5 fields of the plugin on every
 * event, as rule conditions, and 3 output fields on 1% of the events); an extractor-only plugin reading
 * another plugin's events (as the official `json` plugin does). Then start-up to the first event and peak
 * RSS, for one plugin state and for two. The goals relative to the Go SDK are measured in libsinsp outside
 * this repository (the issue notes give those figures); here the C floor is the reference.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildPlugin } from '../lib/cli/build-command';
import { sdkRoot } from '../lib/cli/bundle';
import { loadPlatform } from '../lib/cli/platform';

interface HostStats {
  events: number;
  wallNs: number;
  loopNs: number;
  extractCalls: number;
  extractNs: number;
  timerOverheadNs: number;
  firstEventNs: number;
  maxRssKb: number;
}

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CONDITIONS = 'dummy.value,dummy.strvalue,dummy.divisible[3],dummy.divisible[5],dummy.divisible[7]';
const OUTPUTS = 'dummy.value,dummy.strvalue,dummy.divisible[2]';

/** One workload: the host's arguments after the library. */
interface Workload {
  readonly label: string;
  readonly args: (events: number) => string[];
}

const open = (events: number) => ['--open', JSON.stringify({ start: 0, maxEvents: events })];
const WORKLOADS: Record<string, Workload> = {
  source: { label: 'source only', args: (n) => open(n) },
  oneField: { label: 'one field per event', args: (n) => [...open(n), '--fields', 'dummy.value'] },
  rules: {
    label: 'rules-like (5 fields every event, 3 on 1%)',
    args: (n) => [...open(n), '--fields', CONDITIONS, '--output-fields', OUTPUTS, '--output-every', '100'],
  },
};

function hostStats(host: string, library: string, args: string[]): HostStats {
  const r = spawnSync(host, ['run', library, '--config', '{"jitter":0}', '--quiet', '--stats', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`host failed on ${library} (${r.status ?? r.signal}): ${r.stderr}`);
  const line = r.stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line) throw new Error(`no --stats line from the host:\n${r.stderr}`);
  return JSON.parse(line) as HostStats;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Nanoseconds per event of the capture loop (next_batch and the extractions). */
const nsPerEvent = (s: HostStats) => s.loopNs / s.events;
/** Nanoseconds per extract_fields call, less the timing's own cost. */
const nsPerExtract = (s: HostStats) => (s.extractNs - s.extractCalls * s.timerOverheadNs) / s.extractCalls;

interface Row {
  readonly figure: string;
  readonly ts: number;
  readonly c: number;
  readonly goal: string;
  readonly met?: boolean;
}

async function main(): Promise<void> {
  const nativeBuildDir = path.join(sdkRoot, 'build', 'native');
  execFileSync('cmake', ['--build', nativeBuildDir, '--target', 'dummy_c', 'falco-plugin-host', '-j2'], {
    stdio: 'inherit',
  });
  const { host } = loadPlatform();
  const out = path.join(sdkRoot, 'build', 'bench');
  mkdirSync(out, { recursive: true });
  const build = async (entry: string, dir: string) =>
    (await buildPlugin(path.join(sdkRoot, entry), { output: path.join(out, dir) })).library;
  const ts = await build('examples/dummy/dummy.ts', 'dummy-ts');
  const extractor = await build('bench/sample-extractor.ts', 'sample-ts');
  const c = path.join(nativeBuildDir, 'libdummy_c.so');

  const samples = new Map<string, number[]>();
  const add = (key: string, value: number) => samples.set(key, [...(samples.get(key) ?? []), value]);
  for (let run = 0; run < RUNS; run++) {
    for (const [name, workload] of Object.entries(WORKLOADS)) {
      for (const [who, library] of [
        ['ts', ts],
        ['c', c],
      ] as const) {
        const s = hostStats(host, library, workload.args(EVENTS));
        add(`${name}.${who}.nsPerEvent`, nsPerEvent(s));
        if (s.extractCalls > 0) add(`${name}.${who}.nsPerExtract`, nsPerExtract(s));
        if (name === 'oneField') add(`${who}.rssMiB`, s.maxRssKb / 1024);
      }
    }
    // extractor-only: the C source, its events read by the TS extractor (or by the C plugin itself)
    const viaExtractor = hostStats(host, c, [
      ...open(EVENTS),
      '--extractor',
      extractor,
      '--fields',
      'sample.value',
    ]);
    add('extractor.ts.nsPerExtract', nsPerExtract(viaExtractor));
    const own = hostStats(host, c, [...open(EVENTS), '--fields', 'dummy.value']);
    add('extractor.c.nsPerExtract', nsPerExtract(own));
    for (const [who, library] of [
      ['ts', ts],
      ['c', c],
    ] as const) {
      const first = hostStats(host, library, ['--open', '{"maxEvents":1}', '--fields', 'dummy.value']);
      add(`${who}.startupMs`, first.firstEventNs / 1e6);
      const two = hostStats(host, library, [...open(10_000), '--fields', 'dummy.value', '--parallel', '2']);
      const one = hostStats(host, library, [...open(10_000), '--fields', 'dummy.value']);
      add(`${who}.secondStateMiB`, (two.maxRssKb - one.maxRssKb) / 1024);
    }
  }
  const m = (key: string) => median(samples.get(key) ?? [NaN]);

  const rows: Row[] = [
    ...Object.entries(WORKLOADS).map(([name, w]) => ({
      figure: `${w.label}: ns per event`,
      ts: m(`${name}.ts.nsPerEvent`),
      c: m(`${name}.c.nsPerEvent`),
      goal: name === 'source' ? '≤ 1.0× Go SDK (libsinsp, see note)' : '≤ 0.5× Go SDK (libsinsp, see note)',
    })),
    {
      figure: 'one field per event: ns per extract call',
      ts: m('oneField.ts.nsPerExtract'),
      c: m('oneField.c.nsPerExtract'),
      goal: 'close to the C floor',
    },
    {
      figure: "extractor-only (another plugin's events): ns per extract call",
      ts: m('extractor.ts.nsPerExtract'),
      c: m('extractor.c.nsPerExtract'),
      goal: 'close to the C floor',
    },
    {
      figure: 'start-up to first event (ms)',
      ts: m('ts.startupMs'),
      c: m('c.startupMs'),
      goal: '≤ 60 ms',
      met: m('ts.startupMs') <= 60,
    },
    {
      figure: 'peak RSS, one plugin state (MiB, this host)',
      ts: m('ts.rssMiB'),
      c: m('c.rssMiB'),
      goal: '≤ 40 MiB in libsinsp (see note)',
    },
    {
      figure: 'peak RSS added by a second state (MiB)',
      ts: m('ts.secondStateMiB'),
      c: m('c.secondStateMiB'),
      goal: '≤ +15 MiB',
      met: m('ts.secondStateMiB') <= 15,
    },
  ];
  const digits = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines = [
    `dummy, ${EVENTS} events, median of ${RUNS} interleaved runs, through the native host`,
    '',
    '| figure | TypeScript | C (floor) | TS / C | goal | met |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.figure} | ${digits(r.ts)} | ${digits(r.c)} | ${(r.ts / r.c).toFixed(2)} | ${r.goal} | ${
          r.met === undefined ? 'see note' : r.met ? 'yes' : 'no'
        } |`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  writeFileSync(
    path.join(out, 'native.json'),
    JSON.stringify({ events: EVENTS, runs: RUNS, rows, samples: Object.fromEntries(samples) }, null, 2),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
