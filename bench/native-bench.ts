/**
 * Benchmark of a TypeScript plugin library against the same plugin written in C, both driven by the
 * native host the way libsinsp drives them. Prints a table and writes build/bench/native.json.
 *
 *   npm run bench            (after npm run setup)
 *
 * Figures per plugin: events/s with no extraction, events/s with one field per event, ns per extract
 * call, start-up to the first event, peak RSS. The C plugin is the floor; ratios are TS / C.
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

interface Figures {
  eventsPerSecNoExtraction: number;
  eventsPerSecOneField: number;
  nsPerExtract: number;
  startupMs: number;
  rssMb: number;
}

const root = sdkRoot;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

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

function measure(host: string, library: string): Figures {
  const open = ['--open', JSON.stringify({ start: 0, maxEvents: EVENTS })];
  const noExtraction: number[] = [];
  const oneField: number[] = [];
  const perExtract: number[] = [];
  const startup: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const plain = hostStats(host, library, open);
    noExtraction.push(plain.events / (plain.loopNs / 1e9));
    const small = hostStats(host, library, ['--open', '{"maxEvents":1}', '--fields', 'dummy.value']);
    startup.push(small.firstEventNs / 1e6);
    const withField = hostStats(host, library, [...open, '--fields', 'dummy.value']);
    oneField.push(withField.events / (withField.loopNs / 1e9));
    perExtract.push(
      (withField.extractNs - withField.extractCalls * withField.timerOverheadNs) / withField.extractCalls,
    );
    rss.push(withField.maxRssKb / 1024);
  }
  return {
    eventsPerSecNoExtraction: median(noExtraction),
    eventsPerSecOneField: median(oneField),
    nsPerExtract: median(perExtract),
    startupMs: median(startup),
    rssMb: median(rss),
  };
}

async function main(): Promise<void> {
  const nativeBuildDir = path.join(root, 'build', 'native');
  execFileSync('cmake', ['--build', nativeBuildDir, '--target', 'dummy_c', 'falco-plugin-host', '-j2'], {
    stdio: 'inherit',
  });
  const platform = loadPlatform();
  const out = path.join(root, 'build', 'bench');
  mkdirSync(out, { recursive: true });
  const { library: tsLibrary } = await buildPlugin(path.join(root, 'examples/dummy/dummy.ts'), {
    output: path.join(out, 'dummy-ts'),
  });
  const cLibrary = path.join(nativeBuildDir, 'libdummy_c.so');
  const ts = measure(platform.host, tsLibrary);
  const c = measure(platform.host, cLibrary);
  const rows: [string, keyof Figures, number][] = [
    ['events/s, no extraction', 'eventsPerSecNoExtraction', 0],
    ['events/s, one field per event', 'eventsPerSecOneField', 0],
    ['ns per extract call', 'nsPerExtract', 1],
    ['start-up to first event (ms)', 'startupMs', 1],
    ['peak RSS (MiB)', 'rssMb', 1],
  ];
  const lines = [
    `dummy, ${EVENTS} events, median of ${RUNS} runs, through the native host`,
    '',
    '| figure | TypeScript | C (floor) | TS / C |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(
      ([label, key, digits]) =>
        `| ${label} | ${ts[key].toFixed(digits)} | ${c[key].toFixed(digits)} | ${(ts[key] / c[key]).toFixed(2)} |`,
    ),
    '',
    `extract overhead over C: ${(ts.nsPerExtract - c.nsPerExtract).toFixed(1)} ns per call`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  writeFileSync(
    path.join(out, 'native.json'),
    JSON.stringify({ events: EVENTS, runs: RUNS, typescript: ts, c }, null, 2),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
