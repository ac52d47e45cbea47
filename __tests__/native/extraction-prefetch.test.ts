/**
 * Fields computed ahead of the host's calls (right after next_batch) give exactly what one JavaScript call
 * per field gives: a differential test over random events through the native host, every field type, with
 * and without arguments, value offsets, no-value and failing extractions, state set by nextBatch, and
 * values only the host's call knows (event number, a timestamp the host fills in).
 */
import path from 'node:path';
import { buildPluginLayer, buildTsPlugin, jsonLines, runHost } from './build-native';

const FIELDS = [
  'diff.big',
  'diff.text',
  'diff.flag',
  'diff.words',
  'diff.counts',
  'diff.ip',
  'diff.net',
  'diff.rel',
  'diff.abs',
  'diff.nth[1]',
  'diff.nth[0]',
  'diff.key[x]',
  'diff.key[z/w]',
  'diff.maybe',
  'diff.flaky',
  'diff.batch',
  'diff.located',
  'diff.num',
  'diff.ts',
  'diff.caught',
];
/** `diff.nth[1]` → `diff.nth_ref[1]`. */
const reference = (name: string) => name.replace(/^(diff\.[a-z]+)/, '$1_ref');

let library = '';

beforeAll(async () => {
  buildPluginLayer();
  library = await buildTsPlugin(path.join(__dirname, 'fixtures/ts/differential.ts'), 'differential');
}, 600_000);

function run(events: number, seed: number, fields: readonly string[]) {
  const r = runHost(
    ['run', library, '--config', JSON.stringify({ events, seed }), '--fields', fields.join(','), '--json'],
    600_000,
  );
  expect(r.signal).toBeNull();
  return r;
}

describe('fields computed ahead of the host calls', () => {
  it('give the same values as one call per field over 100,000 random events', () => {
    const events = 100_000;
    // each field next to its reference, so the host asks both for every event
    const r = run(
      events,
      7,
      FIELDS.flatMap((f) => [f, reference(f)]),
    );
    const rows = jsonLines(r.stdout);
    expect(rows).toHaveLength(events);
    let compared = 0;
    const mismatches: string[] = [];
    for (const row of rows) {
      for (const name of FIELDS) {
        const [ahead, perCall] = [JSON.stringify(row[name]), JSON.stringify(row[reference(name)])];
        if (ahead !== perCall)
          mismatches.push(`event ${String(row['evt.num'])} ${name}: ${ahead} vs ${perCall}`);
        compared++;
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBe(events * FIELDS.length);
    // the failing extractor failed for the same events, with the same message, both ways
    const failures = r.stderr.split('\n').filter((l) => l.includes('bad sample'));
    const ahead = failures.filter((l) => l.includes("field 'diff.flaky'"));
    const referenceFailures = failures.filter((l) => l.includes("field 'diff.flaky_ref'"));
    expect(ahead.length).toBeGreaterThan(1000);
    expect(ahead.map((l) => l.replace('diff.flaky_ref', 'diff.flaky'))).toEqual(
      referenceFailures.map((l) => l.replace(/diff\.flaky_ref/g, 'diff.flaky')),
    );
    // the event number and a timestamp left to the host come from the host's own call
    expect(rows.map((e) => e['diff.num'])).toEqual(rows.map((e) => e['evt.num']));
    expect(rows.map((e) => e['diff.ts'])).toEqual(rows.map((e) => e['evt.ts']));
    // the fields really were computed ahead: the library says which (at debug level)
    const announced = r.stderr
      .split('\n')
      .filter((l) => l.includes("fields computed ahead of the host's calls"));
    expect(announced.length).toBeGreaterThan(0);
    const marker = "the host's calls: ";
    const last = announced[announced.length - 1];
    const keys = JSON.parse(last.slice(last.indexOf(marker) + marker.length)) as { id: number }[];
    // every field but the opted-out references (odd ids) and the three that need the host's call
    expect(keys).toHaveLength(FIELDS.length - 3);
    expect(keys.every((k) => k.id % 2 === 0)).toBe(true);
  }, 600_000);
});
