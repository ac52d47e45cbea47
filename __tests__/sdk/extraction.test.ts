import {
  BasePlugin,
  EOF,
  EventSourcing,
  FieldExtraction,
  field,
  registerPlugin,
  type ExtractRequest,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { PluginHarness, type CapturedEvent, type PluginState } from 'falco-plugin-sdk/testing';
import { FnInstance, sourceExtractor } from '../helpers/plugins';

async function firstEvents(state: PluginState, open = ''): Promise<CapturedEvent[]> {
  const capture = await state.open(open);
  const events: CapturedEvent[] = [];
  for await (const e of capture.events()) events.push(e);
  await capture.close();
  return events;
}

describe('field extraction', () => {
  it('encodes every field type and list values as the host reads them', async () => {
    const plugin = sourceExtractor(['x'], () => [
      field({ name: 't.str', type: 'string', desc: 'd' }, () => 'héllo'),
      field({ name: 't.u64n', type: 'uint64', desc: 'd' }, () => Number.MAX_SAFE_INTEGER),
      field({ name: 't.u64b', type: 'uint64', desc: 'd' }, () => 0xffff_ffff_ffff_ffffn),
      field({ name: 't.rel', type: 'reltime', desc: 'd' }, () => 1500n),
      field({ name: 't.abs', type: 'abstime', desc: 'd' }, () => new Date(1_700_000_000_123)),
      field({ name: 't.bool', type: 'bool', desc: 'd' }, () => true),
      field({ name: 't.ip4', type: 'ipaddr', desc: 'd' }, () => '10.1.2.3'),
      field({ name: 't.ip6', type: 'ipaddr', desc: 'd' }, () => '2001:db8::1'),
      field({ name: 't.ipb', type: 'ipaddr', desc: 'd' }, () => new Uint8Array([192, 168, 0, 1])),
      field({ name: 't.net4', type: 'ipnet', desc: 'd' }, () => '10.0.0.0/8'),
      field({ name: 't.net6', type: 'ipnet', desc: 'd' }, () => 'fd00::/16'),
      field({ name: 't.strs', type: 'string', isList: true, desc: 'd' }, () => ['a', 'bb', '']),
      field({ name: 't.nums', type: 'uint64', isList: true, desc: 'd' }, () => [1, 2n, 3]),
      field({ name: 't.empty', type: 'string', isList: true, desc: 'd' }, () => []),
      field({ name: 't.none', type: 'string', desc: 'd' }, () => undefined),
    ]);
    const state = await new PluginHarness(plugin).init();
    const [event] = await firstEvents(state);
    const value = (f: string) => state.extract(event, f);
    expect(value('t.str')).toBe('héllo');
    expect(value('t.u64n')).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(value('t.u64b')).toBe(0xffff_ffff_ffff_ffffn);
    expect(value('t.rel')).toBe(1500n);
    expect(value('t.abs')).toBe(1_700_000_000_123_000_000n);
    expect(value('t.bool')).toBe(true);
    expect(value('t.ip4')).toBe('10.1.2.3');
    expect(value('t.ip6')).toBe('2001:db8::1');
    expect(value('t.ipb')).toBe('192.168.0.1');
    expect(value('t.net4')).toBe('10.0.0.0/8');
    expect(value('t.net6')).toBe('fd00::/16');
    expect(value('t.strs')).toEqual(['a', 'bb', '']);
    expect(value('t.nums')).toEqual([1n, 2n, 3n]);
    expect(value('t.empty')).toBeUndefined();
    expect(value('t.none')).toBeUndefined();
    await state.destroy();
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a negative uint64',
      -1,
      /field t.bad: expected a uint64 \(non-negative safe integer or bigint\), got number -1/,
    ],
    ['an unsafe number', 2 ** 60, /non-negative safe integer or bigint/],
    ['a uint64 above 2^64', 2n ** 64n, /expected a uint64 in \[0, 2\^64\)/],
    ['a string for a uint64', '5', /expected a uint64 \(bigint or number\), got string "5"/],
    ['an array for a non-list', [1], /is not a list field: expected one uint64, got array of 1/],
  ])('rejects %s at run time with the field name', async (_what, bad, message) => {
    const plugin = sourceExtractor(['x'], () => [
      field({ name: 't.bad', type: 'uint64', desc: 'd' }, () => bad as number),
    ]);
    const state = await new PluginHarness(plugin).init();
    const [event] = await firstEvents(state);
    expect(() => state.extract(event, 't.bad')).toThrow(message);
    await state.destroy();
  });

  it.each<[string, 'string' | 'bool' | 'ipaddr' | 'ipnet', boolean, unknown, RegExp]>([
    [
      'a non-array for a list',
      'string',
      true,
      'a',
      /is a list field: expected an array of string, got string "a"/,
    ],
    ['a NUL in a string', 'string', false, 'a\0b', /string values cannot contain NUL characters/],
    ['a number for a bool', 'bool', false, 1, /expected a boolean, got number 1/],
    ['a bad address', 'ipaddr', false, '300.1.1.1', /"300.1.1.1" is not an IPv4 or IPv6 address/],
    ['bad address bytes', 'ipaddr', false, new Uint8Array(5), /expected 4 or 16 bytes for an ipaddr, got 5/],
    ['a network without prefix', 'ipnet', false, '10.0.0.0', /"10.0.0.0" is not a network/],
    ['a prefix too long', 'ipnet', false, '10.0.0.0/33', /is not a network/],
  ])('rejects %s', async (_what, type, isList, bad, message) => {
    const plugin = sourceExtractor(['x'], () => [
      { name: 't.bad', type, isList, desc: 'd', extract: () => bad },
    ]);
    const state = await new PluginHarness(plugin).init();
    const [event] = await firstEvents(state);
    expect(() => state.extract(event, 't.bad')).toThrow(message);
    await state.destroy();
  });

  it('computes the per-event context once per event, whatever fields are asked', async () => {
    let parses = 0;
    const plugin = sourceExtractor(
      ['{"a":1,"b":"x"}', '{"a":2,"b":"y"}'],
      () => [
        field(
          { name: 'j.a', type: 'uint64', desc: 'd' },
          (req: ExtractRequest<{ a: number; b: string }>) => req.context.a,
        ),
        field(
          { name: 'j.b', type: 'string', desc: 'd' },
          (req: ExtractRequest<{ a: number; b: string }>) => req.context.b,
        ),
      ],
      (text) => {
        parses++;
        return JSON.parse(text) as { a: number; b: string };
      },
    );
    const state = await new PluginHarness(plugin).init();
    const events = await firstEvents(state);
    for (const e of events) {
      expect(state.extract(e, 'j.a')).toBe(BigInt(e.number));
      state.extract(e, 'j.b');
      state.extract(e, 'j.a');
    }
    expect(parses).toBe(2);
    // coming back to an earlier event parses it again (the cache holds the current event only)
    expect(state.extract(events[0], 'j.b')).toBe('x');
    expect(parses).toBe(3);
    await state.destroy();
  });

  it('checks a field argument once per distinct argument: one error for a bad one, then no value', async () => {
    const checked: (string | bigint)[] = [];
    const plugin = sourceExtractor(
      ['a', 'bb', 'ccc'],
      () => [
        field(
          {
            name: 'x.mod',
            type: 'uint64',
            desc: 'the payload length modulo the argument',
            arg: { isIndex: true, isRequired: true },
            checkArg: (arg) => {
              checked.push(arg);
              if (arg === 0n) throw new Error('the divisor must not be 0');
            },
          },
          (req) => BigInt(req.event.data.length) % req.argIndexBigInt,
        ),
      ],
      (text) => text,
    );
    const state = await new PluginHarness(plugin).init();
    const events = await firstEvents(state);
    expect(() => state.extract(events[0], 'x.mod[0]')).toThrow(
      'extract_fields failed: cannot extract x.mod[0] from event 1: invalid argument: the divisor must not be 0',
    );
    expect(state.extract(events[1], 'x.mod[0]')).toBeUndefined();
    expect(state.extract(events[2], 'x.mod[0]')).toBeUndefined();
    expect(events.map((e) => state.extract(e, 'x.mod[2]'))).toEqual([1n, 0n, 1n]);
    expect(checked).toEqual([0n, 2n]);
    await state.destroy();
  });

  it('serves fields without an extractor through the plugin extract method (Go style)', async () => {
    class GoStyle extends FieldExtraction(EventSourcing(BasePlugin)) {
      info(): PluginInfo {
        return {
          id: 999,
          name: 'gostyle',
          description: 'd',
          contact: 'c',
          version: '1.0.0',
          eventSource: 'go',
        };
      }
      open() {
        return new FnInstance((batch) => {
          batch.write('abc');
          return EOF;
        });
      }
      fields() {
        return [
          { name: 'go.len', type: 'uint64', desc: 'payload length' },
          { name: 'go.char', type: 'string', desc: 'a character', arg: { isIndex: true, isRequired: true } },
        ] as const;
      }
      extract(req: ExtractRequest) {
        const text = req.event.text();
        if (req.fieldId === 0) req.setValue(text.length);
        else if (req.argIndex < text.length) {
          req.setValue(text[req.argIndex]);
          req.setPayloadOffset(req.argIndex, 1);
        }
      }
    }
    const state = await new PluginHarness(registerPlugin(GoStyle)).init();
    const [event] = await firstEvents(state);
    expect(state.extract(event, 'go.len')).toBe(3n);
    expect(state.extractWithOffsets(event, 'go.char[1]')).toEqual({
      value: 'b',
      offsets: [{ start: 39, length: 1 }],
    });
    expect(state.extractWithOffsets(event, 'go.char[1]', { wantOffsets: false })).toEqual({
      value: 'b',
      offsets: undefined,
    });
    expect(state.extract(event, 'go.char[7]')).toBeUndefined();
    await state.destroy();
  });

  it('rejects field selectors as libsinsp does, before calling the plugin', async () => {
    const plugin = sourceExtractor(['1'], () => [
      field({ name: 'a.idx', type: 'uint64', desc: 'd', arg: { isIndex: true, isRequired: true } }, () => 1),
      field(
        { name: 'a.key', type: 'uint64', desc: 'd', arg: { isKey: true } },
        (req) => req.argKey?.length ?? 0,
      ),
      field({ name: 'a.plain', type: 'uint64', desc: 'd' }, () => 1),
    ]);
    const state = await new PluginHarness(plugin).init();
    const [event] = await firstEvents(state);
    expect(() => state.extract(event, 'a.nope')).toThrow(
      'unknown field "a.nope"; the plugin declares: a.idx, a.key, a.plain',
    );
    expect(() => state.extract(event, 'a.idx')).toThrow('field a.idx requires an argument');
    expect(() => state.extract(event, 'a.idx[01]')).toThrow('invalid index argument "01"');
    expect(() => state.extract(event, 'a.idx[x]')).toThrow('invalid index argument "x"');
    expect(() => state.extract(event, 'a.plain[1]')).toThrow('field a.plain does not take an argument');
    expect(state.extract(event, 'a.key[hello]')).toBe(5n);
    expect(state.extract(event, 'a.key')).toBe(0n);
    await state.destroy();
  });

  it('reports a failing context computation for the field that asked', async () => {
    const plugin = sourceExtractor(
      ['not json'],
      () => [
        field(
          { name: 'j.a', type: 'uint64', desc: 'd' },
          (req: ExtractRequest<{ a: number }>) => req.context.a,
        ),
      ],
      (text) => JSON.parse(text) as { a: number },
    );
    const state = await new PluginHarness(plugin).init();
    const [event] = await firstEvents(state);
    // A JavaScript error: its name, and the first place with a source position (past JSON.parse).
    expect(() => state.extract(event, 'j.a')).toThrow(
      /cannot extract j\.a from event 1: SyntaxError: Unexpected token .* \(at .*extraction\.test\.ts:\d+:\d+\)?\)$/,
    );
    await state.destroy();
  });
});

describe('exact index arguments in the harness', () => {
  it('gives argIndexBigInt exactly and refuses an index above uint64', async () => {
    const plugin = sourceExtractor(['1'], () => [
      field(
        { name: 'test.index', type: 'string', desc: 'the index', arg: { isRequired: true, isIndex: true } },
        (req) => String(req.argIndexBigInt),
      ),
    ]);
    const state = await new PluginHarness(plugin).init('');
    const rows = await state.run({ fields: ['test.index[18446744073709551615]'] });
    expect(rows[0].fields['test.index[18446744073709551615]']).toBe('18446744073709551615');
    await expect(state.run({ fields: ['test.index[18446744073709551616]'] })).rejects.toThrow(
      'above the uint64 range',
    );
    await state.destroy();
  });
});
