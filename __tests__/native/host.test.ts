// Integration tests of the native test host (native/host) against the C
// reference plugin (bench/floor/dummy_c.c) and the fixtures in
// __tests__/native/fixtures.
import { buildNative, dummyCPath, fixturePath, jsonLines, runHost } from './build-native';

const JITTER0 = '{"jitter":0}';
const open = (start: number, maxEvents: number) => JSON.stringify({ start, maxEvents });

beforeAll(() => {
  buildNative();
}, 600_000);

describe('falco-plugin-host with the C dummy plugin', () => {
  test('10 events with jitter 0 and start 0: values 1..10, divisible[3], plugininfo', () => {
    const r = runHost([
      'run',
      dummyCPath,
      '--config',
      JITTER0,
      '--open',
      open(0, 10),
      '--fields',
      'dummy.value,dummy.strvalue,dummy.divisible[3]',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const evts = jsonLines(r.stdout);
    expect(evts).toHaveLength(10);
    evts.forEach((e, i) => {
      const v = i + 1;
      expect(e['evt.num']).toBe(v);
      expect(typeof e['evt.ts']).toBe('number');
      expect(e['evt.plugininfo']).toBe(`{"sample": "${v}"}`);
      expect(e['dummy.value']).toBe(v);
      expect(e['dummy.strvalue']).toBe(String(v));
      expect(e['dummy.divisible[3]']).toBe(v % 3 === 0 ? 1 : 0);
    });
    // timestamps are real nanosecond times, printed as exact integers
    const ts = /"evt\.ts":(\d+)/.exec(r.stdout)?.[1] ?? '';
    expect(ts.length).toBeGreaterThanOrEqual(19);
  });

  test('default open params: start 1, 20 events; jitter makes samples grow by at least 1', () => {
    const r = runHost(['run', dummyCPath, '--fields', 'dummy.value', '--json']);
    expect(r.status).toBe(0);
    const values = jsonLines(r.stdout).map((e) => e['dummy.value'] as number);
    expect(values).toHaveLength(20);
    let prev = 1;
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(prev + 1);
      expect(v).toBeLessThanOrEqual(prev + 11);
      prev = v;
    }
  });

  test('text output: one readable line per event', () => {
    const r = runHost([
      'run',
      dummyCPath,
      '--config',
      JITTER0,
      '--open',
      open(0, 2),
      '--fields',
      'dummy.value,dummy.divisible[2]',
    ]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^evt\.num=1 evt\.ts=\d+ evt\.plugininfo=\{"sample": "1"\} dummy\.value=1 dummy\.divisible\[2\]=0$/,
    );
    expect(lines[1]).toMatch(/dummy\.value=2 dummy\.divisible\[2\]=1$/);
  });

  test('batches of up to 128 events, EOF with the last ones', () => {
    const r = runHost(['run', dummyCPath, '--open', open(0, 300), '--quiet', '--stats']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const stats = JSON.parse(r.stderr.trim()) as Record<string, number>;
    expect(stats.events).toBe(300);
    expect(stats.batches).toBe(3); // 128 + 128 + 44 with EOF
  });

  test('--max-events stops early with status 0', () => {
    const r = runHost(['run', dummyCPath, '--open', open(0, 100), '--max-events', '7', '--json']);
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout)).toHaveLength(7);
  });

  test('--output-fields are asked only on every --output-every-th event, as rule outputs are', () => {
    const r = runHost([
      'run',
      dummyCPath,
      '--open',
      open(0, 30),
      '--fields',
      'dummy.value',
      '--output-fields',
      'dummy.strvalue,dummy.divisible[2]',
      '--output-every',
      '10',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const rows = jsonLines(r.stdout);
    expect(rows.map((e) => e['dummy.value'])).toHaveLength(30);
    expect(rows.filter((e) => 'dummy.strvalue' in e).map((e) => e['evt.num'])).toEqual([10, 20, 30]);
    expect(rows[9]['dummy.divisible[2]']).toBeDefined();
  });

  test('info prints the static information as JSON without init', () => {
    const r = runHost(['info', dummyCPath]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(info).toMatchObject({
      name: 'dummy_c',
      version: '0.1.0',
      contact: 'github.com/falcosecurity/plugins',
      requiredApiVersion: '3.11.0',
      id: 999,
      eventSource: 'dummy',
      capabilities: ['sourcing', 'extraction'],
      extractEventSources: ['dummy'],
    });
    const fields = info.fields as Record<string, unknown>[];
    expect(fields.map((f) => f.name)).toEqual(['dummy.divisible', 'dummy.value', 'dummy.strvalue']);
    expect(fields[0]).toMatchObject({
      type: 'uint64',
      arg: { isRequired: true, isIndex: true, isKey: false },
    });
    expect(fields[2]).toMatchObject({ type: 'string', isList: false });
    expect(info.initSchema).toMatchObject({
      type: 'json',
      schema: { type: 'object', properties: { jitter: { type: 'integer', default: 10 } } },
    });
  });

  test('a config that violates the init schema fails, naming the property', () => {
    const r = runHost(['run', dummyCPath, '--config', '{"jitter":"x"}']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error in plugin dummy_c init config: In .*jitter.*, /);
    // only the top-most error is reported
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a config that is not JSON fails; an empty config becomes {}', () => {
    const bad = runHost(['run', dummyCPath, '--config', '{jitter']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/init config is not a valid json/);

    const empty = runHost(['run', dummyCPath, '--config', '', '--open', open(0, 1), '--json']);
    expect(empty.status).toBe(0);
    expect(jsonLines(empty.stdout)).toHaveLength(1);

    // extra properties are allowed (additionalProperties: true)
    const extra = runHost(['run', dummyCPath, '--config', '{"jitter":0,"other":[1,{"a":"b"}]}', '--json']);
    expect(extra.status).toBe(0);
  });

  test('bad open params fail with the plugin error', () => {
    for (const params of ['{"start":"a"}', '{"maxEvents":2', 'nope']) {
      const r = runHost(['run', dummyCPath, '--open', params]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('could not open plugin dummy_c');
      expect(r.stderr).toContain('invalid open params');
    }
  });

  test('dummy.divisible[0] fails every extraction cleanly: exit 1, clear message, no crash', () => {
    const r = runHost([
      'run',
      dummyCPath,
      '--config',
      JITTER0,
      '--open',
      open(0, 3),
      '--fields',
      'dummy.value,dummy.divisible[0]',
      '--json',
    ]);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    const evts = jsonLines(r.stdout);
    expect(evts).toHaveLength(3);
    expect(evts.map((e) => e['dummy.value'])).toEqual([1, 2, 3]);
    expect(evts.every((e) => e['dummy.divisible[0]'] === null)).toBe(true);
    const errors = r.stderr.trim().split('\n');
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain("field 'dummy.divisible[0]' on event 1 (plugin dummy_c)");
    expect(errors[0]).toContain('divisor must be greater than 0');
    expect(errors[2]).toContain('on event 3');
  });

  test('field list errors, like libsinsp', () => {
    const cases: [string, RegExp][] = [
      [
        'dummy.nope',
        /unknown field 'dummy\.nope'; available fields: dummy\.divisible\[<arg>\], dummy\.value/,
      ],
      ['dummy.divisible', /requires an argument but none provided/],
      ['dummy.divisible[x]', /invalid index argument not composed only by digits: x/],
      ['dummy.divisible[03]', /invalid index argument starting with 0: 03/],
      ['dummy.value[1]', /does not allow nor require an argument but one is provided: 1/],
      ['dummy.value[1', /unbalanced argument brackets/],
      ['dummy.value[', /incomplete argument brackets/],
      ['dummy.value,,dummy.value', /empty field name/],
    ];
    for (const [fields, msg] of cases) {
      const r = runHost(['run', dummyCPath, '--fields', fields]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(msg);
    }
  });

  test('--parallel 2: two independent states, events tagged by thread', () => {
    const r = runHost([
      'run',
      dummyCPath,
      '--config',
      JITTER0,
      '--open',
      open(0, 200),
      '--parallel',
      '2',
      '--fields',
      'dummy.value',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const evts = jsonLines(r.stdout);
    expect(evts).toHaveLength(400);
    for (const thread of [0, 1]) {
      const mine = evts.filter((e) => e.thread === thread);
      expect(mine.map((e) => e['dummy.value'])).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(mine.map((e) => e['evt.num'])).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    }
  });

  test('--cycles 20: the whole init..destroy sequence runs 20 times', () => {
    const r = runHost([
      'run',
      dummyCPath,
      '--config',
      JITTER0,
      '--open',
      open(0, 5),
      '--cycles',
      '20',
      '--fields',
      'dummy.value',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const evts = jsonLines(r.stdout);
    expect(evts).toHaveLength(100);
    for (let c = 0; c < 20; c++) {
      expect(evts.filter((e) => e.cycle === c).map((e) => e['dummy.value'])).toEqual([1, 2, 3, 4, 5]);
    }
  });

  test('--parallel with --cycles and --stats', () => {
    const r = runHost([
      'run',
      dummyCPath,
      '--open',
      open(0, 50),
      '--parallel',
      '3',
      '--cycles',
      '4',
      '--quiet',
      '--stats',
      '--fields',
      'dummy.value,dummy.strvalue',
    ]);
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stderr.trim()) as Record<string, number>;
    expect(stats).toMatchObject({ events: 600, extractCalls: 1200, threads: 3, cycles: 4, errors: 0 });
  });

  test('--stats prints one parseable JSON line on stderr', () => {
    const r = runHost(['run', dummyCPath, '--open', open(0, 1000), '--fields', 'dummy.value', '--stats']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1000);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const stats = JSON.parse(lines[0]) as Record<string, number>;
    expect(stats.events).toBe(1000);
    expect(stats.batches).toBe(8);
    expect(stats.extractCalls).toBe(1000);
    for (const k of ['wallNs', 'loopNs', 'extractNs', 'firstEventNs', 'maxRssKb']) {
      expect(typeof stats[k]).toBe('number');
      expect(stats[k]).toBeGreaterThan(0);
    }
    expect(typeof stats.timerOverheadNs).toBe('number');
    expect(stats.firstEventNs).toBeLessThan(stats.wallNs);
    expect(stats.extractNs).toBeLessThan(stats.wallNs);
  });

  test('command-line errors exit with 2; --help with 0', () => {
    expect(runHost([]).status).toBe(2);
    expect(runHost(['bogus']).status).toBe(2);
    expect(runHost(['run']).status).toBe(2);
    expect(runHost(['run', dummyCPath, '--parallel', '0']).status).toBe(2);
    expect(runHost(['run', dummyCPath, '--nope']).status).toBe(2);
    expect(runHost(['run', dummyCPath, '--extractor-config', '{}']).status).toBe(2);
    const help = runHost(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('falco-plugin-host run <lib.so>');
  });

  test('a library that cannot be loaded is reported', () => {
    const r = runHost(['run', '/nonexistent/libnothing.so']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("can't load plugin dynamic library");
  });
});

describe('library checks at load time', () => {
  test('a missing required symbol is rejected, naming it', () => {
    for (const cmd of ['run', 'info']) {
      const r = runHost([cmd, fixturePath('broken_missing_symbol')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("required symbol not implemented: 'plugin_get_last_error'");
    }
  });

  test('capabilities, API version and fields JSON are checked', () => {
    const cases: [string, RegExp][] = [
      ['broken_no_caps', /plugin does not implement any capability/],
      [
        'broken_api_major',
        /required API version '4\.0\.0' not compatible .*'3\.12\.0': major versions disagree/,
      ],
      ['broken_api_minor', /required API version '3\.13\.0' not compatible .*minor version is less/],
      ['broken_half_source', /must implement all of 'plugin_open', 'plugin_close', and 'plugin_next_batch'/],
      ['broken_fields', /field JSON entry has no desc/],
    ];
    for (const [lib, msg] of cases) {
      const r = runHost(['info', fixturePath(lib)]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(msg);
    }
  });

  test('run needs a source plugin; --extractor needs extraction', () => {
    const r = runHost(['run', fixturePath('fixture_ext_any')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no event sourcing capability/);
  });
});

describe('next_batch semantics (fixture source)', () => {
  const src = () => fixturePath('fixture_source');
  const runScenario = (scenario: string, extra: string[] = []) =>
    runHost(['run', src(), '--open', scenario, '--fields', 'fx.num', '--json', ...extra]);

  test('basic: one event per batch, then EOF; ts, tid and id as produced', () => {
    const r = runScenario('basic', ['--progress']);
    expect(r.status).toBe(0);
    const evts = jsonLines(r.stdout);
    expect(evts.map((e) => e['fx.num'])).toEqual([1, 2, 3]);
    expect(evts.map((e) => e['evt.ts'])).toEqual([1001, 1002, 1003]);
    // the host sets tid to -1 for plugin events
    expect(evts[0]['evt.plugininfo']).toBe('n=1 id=998 tid=-1');
    expect(r.stderr).toContain('progress: 100.00% 3/3');
  });

  test('timeout: TIMEOUT means call again; events returned with TIMEOUT and EOF are delivered', () => {
    const r = runScenario('timeout');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout).map((e) => e['fx.num'])).toEqual([1, 2, 3]);
  });

  test('failure: events returned with FAILURE are delivered first, then the error', () => {
    const r = runScenario('failure');
    expect(r.status).toBe(1);
    expect(jsonLines(r.stdout).map((e) => e['fx.num'])).toEqual([1, 2]);
    expect(r.stderr).toContain('next_batch failed: boom after 2 events');
  });

  test('failure without events, NOT_SUPPORTED and 0 events with SUCCESS are errors', () => {
    expect(runScenario('failnow').stderr).toContain('boom immediately');
    const ns = runScenario('notsupported');
    expect(ns.status).toBe(1);
    expect(jsonLines(ns.stdout)).toHaveLength(1);
    expect(ns.stderr).toContain('SS_PLUGIN_NOT_SUPPORTED: not supported here');
    const zero = runScenario('zero');
    expect(zero.status).toBe(1);
    expect(zero.stderr).toContain('unexpected 0 size event returned by plugin fixture_source');
  });

  test('malformed events are rejected', () => {
    const cases: [string, RegExp][] = [
      [
        'badid',
        /unexpected plugin ID in plugin event: plugin='fixture_source', expected_id=998, actual_id=5/,
      ],
      ['badtype', /malformed plugin event .*type 1/],
      ['shortlen', /len 10 is shorter than the 26-byte header/],
      ['badlens', /parameter lengths \(4, 8\) do not match event len 39/],
    ];
    for (const [scenario, msg] of cases) {
      const r = runScenario(scenario);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(msg);
    }
  });

  test('plugin id 0 and ts UINT64_MAX are filled in by the host', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const r = runScenario('autots');
    expect(r.status).toBe(0);
    const evts = jsonLines(r.stdout);
    expect(evts[0]['evt.plugininfo']).toBe('n=1 id=998 tid=-1');
    const ts = BigInt(/"evt\.ts":(\d+)/.exec(r.stdout)?.[1] ?? '0');
    expect(ts >= before - 1_000_000_000n).toBe(true);
    expect(ts <= BigInt(Date.now()) * 1_000_000n + 1_000_000_000n).toBe(true);
  });

  test('open failure reports the plugin error', () => {
    const r = runScenario('openfail');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("cannot open: bad params 'openfail'");
  });

  test('evt.plugininfo falls back to libsinsp text when event_to_string returns nothing', () => {
    expect(jsonLines(runScenario('noinfo').stdout)[0]['evt.plugininfo']).toBe('datalen=1 data=1');
    expect(jsonLines(runScenario('binary').stdout)[0]['evt.plugininfo']).toBe('datalen=3 data=<binary>');
  });

  test('progress of many batches', () => {
    const r = runHost(['run', src(), '--open', 'many', '--quiet', '--progress']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('progress: 50.00% 500/1000');
    expect(r.stderr).toContain('progress: 100.00% 1000/1000');
  });
});

describe('extraction (fixture source)', () => {
  const src = () => fixturePath('fixture_source');

  test('every field type as JSON', () => {
    const r = runHost([
      'run',
      src(),
      '--json',
      '--fields',
      'fx.num,fx.flag,fx.ip4,fx.ip6,fx.net,fx.netmask,fx.list,fx.strlist,fx.none,fx.str,fx.rel,fx.abs,fx.hidden',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [e1, e2] = jsonLines(r.stdout);
    expect(e1).toMatchObject({
      'fx.num': 1,
      'fx.flag': true,
      'fx.ip4': '10.0.0.1',
      'fx.ip6': '2001:db8::1',
      'fx.net': '192.168.1.0',
      'fx.netmask': '10.1.0.0/16',
      'fx.list': [1, 10],
      'fx.strlist': ['a', 'b"c'],
      'fx.none': null,
      'fx.str': 'quote" backslash\\ nl\n tab\t ctl\u0001 é bad\ufffd',
      'fx.rel': 1500,
      'fx.abs': 1001,
      'fx.hidden': 42,
    });
    expect(e2['fx.flag']).toBe(false);
    expect(e2['fx.list']).toBeNull(); // res_len 0 = no value, lists included
  });

  test('the request passed to extract_fields mirrors libsinsp', () => {
    const r = runHost([
      'run',
      src(),
      '--json',
      '--max-events',
      '1',
      '--fields',
      'fx.meta,fx.meta[7],fx.meta[abc],fx.key[some key],fx.opt,fx.opt[5],fx.evtsrc,fx.evtnum',
    ]);
    expect(r.status).toBe(0);
    const [e] = jsonLines(r.stdout);
    const MAX = 18446744073709551615n;
    // [field_id, ftype, flist, arg_present, arg_index, strlen(arg_key) or 9999, num_fields]
    // (read from the raw text: UINT64_MAX does not survive JSON.parse)
    const meta = (key: string) => r.stdout.match(new RegExp(`"${key}":\\[([^\\]]*)\\]`))?.[1];
    expect(meta('fx\\.meta')).toBe(`12,8,64,0,${MAX},9999,1`);
    expect(meta('fx\\.meta\\[7\\]')).toBe('12,8,64,1,7,1,1');
    expect(meta('fx\\.meta\\[abc\\]')).toBe(`12,8,64,1,${MAX},3,1`);
    expect(e['fx.key[some key]']).toBe('some key');
    expect(e['fx.opt']).toBe(777);
    expect(e['fx.opt[5]']).toBe(5);
    expect(e['fx.evtsrc']).toBe('fixture');
    expect(e['fx.evtnum']).toBe(1);
  });

  test('value_offsets: a valid request for API >= 3.11 plugins, NULL with --no-offsets or older plugins', () => {
    const get = (args: string[]) =>
      jsonLines(runHost(['run', ...args, '--json', '--max-events', '1', '--fields', 'fx.offsets']).stdout)[0][
        'fx.offsets'
      ];
    expect(get([src()])).toBe('set');
    expect(get([src(), '--no-offsets'])).toBe('null');
    expect(get([fixturePath('fixture_source_310')])).toBe('null');
  });

  test('contract violations and failures are reported per field, the run goes on, exit 1', () => {
    const r = runHost([
      'run',
      src(),
      '--json',
      '--fields',
      'fx.num,fx.fail,fx.multi,fx.badoffset,fx.nullstr',
    ]);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    const evts = jsonLines(r.stdout);
    expect(evts.map((e) => e['fx.num'])).toEqual([1, 2, 3]);
    expect(evts[0]).toMatchObject({
      'fx.fail': null,
      'fx.multi': null,
      'fx.badoffset': null,
      'fx.nullstr': null,
    });
    expect(r.stderr).toContain(
      "extract_fields failed for field 'fx.fail' on event 2 (plugin fixture_source): fx.fail always fails (event 2)",
    );
    expect(r.stderr).toContain('plugin returned 2 values for a non-list field');
    expect(r.stderr).toContain('value offset {1000, 10} is outside the event (len 39)');
    expect(r.stderr).toContain('plugin returned a NULL string');
    // offsets are only checked when requested
    const noOffsets = runHost(['run', src(), '--no-offsets', '--fields', 'fx.badoffset', '--json']);
    expect(noOffsets.status).toBe(0);
  });

  test('init: config passed verbatim without a schema; failures read get_last_error', () => {
    const empty = runHost(['run', src(), '--json', '--max-events', '1', '--fields', 'fx.config']);
    expect(jsonLines(empty.stdout)[0]['fx.config']).toBe('');
    const cfg = runHost([
      'run',
      src(),
      '--config',
      'x y',
      '--json',
      '--max-events',
      '1',
      '--fields',
      'fx.config',
    ]);
    expect(jsonLines(cfg.stdout)[0]['fx.config']).toBe('x y');

    const fail = runHost(['run', src(), '--config', 'fail']);
    expect(fail.status).toBe(1);
    expect(fail.stderr).toContain('could not initialize plugin fixture_source: init failed on purpose');
    const failNull = runHost(['run', src(), '--config', 'failnull']);
    expect(failNull.status).toBe(1);
    expect(failNull.stderr).toContain('could not initialize plugin fixture_source');
  });

  test('log_fn prints "[<plugin name>] <severity>: <msg>"; the tables input lists the host\'s threads table', () => {
    const r = runHost(['run', src(), '--config', 'log,tables', '--max-events', '1']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('[fixture_source] info: hello from init\n');
    expect(r.stderr).toContain('[fixture-component] warning: component message\n');
    expect(r.stderr).toContain('[fixture_source] info: tables: list=ok n=1 get_table=table owner_err=(none)');
  });

  test('text output keeps one line per event', () => {
    const r = runHost(['run', src(), '--fields', 'fx.str,fx.list,fx.none']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('fx.str=quote" backslash\\ nl\\n tab\\t ctl\\x01 é');
    expect(lines[0]).toContain('fx.list=(1,10) fx.none=<NA>');
  });
});

describe('extractor plugins', () => {
  const base = ['run', dummyCPath, '--config', JITTER0, '--open', open(0, 2), '--json'];

  test('fields are routed to a compatible extractor', () => {
    const r = runHost([
      ...base,
      '--extractor',
      fixturePath('fixture_ext_dummy'),
      '--fields',
      'dummy.value,ext.len,ext.src,ext.num',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout)).toEqual([
      expect.objectContaining({ 'dummy.value': 1, 'ext.len': 39, 'ext.src': 'dummy', 'ext.num': 1 }),
      expect.objectContaining({ 'dummy.value': 2, 'ext.len': 39, 'ext.src': 'dummy', 'ext.num': 2 }),
    ]);
  });

  test('an extractor for another event source is not used', () => {
    const r = runHost([...base, '--extractor', fixturePath('fixture_ext_other'), '--fields', 'ext.len']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "field 'ext.len' is provided by plugin fixture_ext_other, which does not extract from event source 'dummy'",
    );
    // ... but a compatible one declaring the same field is
    const r2 = runHost([
      ...base,
      '--extractor',
      fixturePath('fixture_ext_other'),
      '--extractor',
      fixturePath('fixture_ext_any'),
      '--fields',
      'ext.src',
    ]);
    expect(r2.status).toBe(0);
    expect(jsonLines(r2.stdout)[0]['ext.src']).toBe('dummy');
  });

  test('event types outside get_extract_event_types give no value', () => {
    const r = runHost([...base, '--extractor', fixturePath('fixture_ext_types'), '--fields', 'ext.len']);
    expect(r.status).toBe(0);
    expect(jsonLines(r.stdout).map((e) => e['ext.len'])).toEqual([null, null]);
  });

  test('extractor config, init failure and duplicate names', () => {
    const fail = runHost([
      ...base,
      '--extractor',
      fixturePath('fixture_ext_dummy'),
      '--extractor-config',
      'fail',
    ]);
    expect(fail.status).toBe(1);
    expect(fail.stderr).toContain(
      'could not initialize plugin fixture_ext_dummy: extractor init failed on purpose',
    );

    const dup = runHost([
      ...base,
      '--extractor',
      fixturePath('fixture_ext_dummy'),
      '--extractor',
      fixturePath('fixture_ext_dummy'),
    ]);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toContain('found another plugin with name fixture_ext_dummy');
  });

  test('extractors get their own state per thread', () => {
    const r = runHost([
      'run',
      dummyCPath,
      '--open',
      open(0, 100),
      '--parallel',
      '2',
      '--extractor',
      fixturePath('fixture_ext_dummy'),
      '--fields',
      'ext.num',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const evts = jsonLines(r.stdout);
    for (const thread of [0, 1]) {
      expect(evts.filter((e) => e.thread === thread).map((e) => e['ext.num'])).toEqual(
        Array.from({ length: 100 }, (_, i) => i + 1),
      );
    }
  });
});
