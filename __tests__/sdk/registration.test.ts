import {
  BasePlugin,
  EventSourcing,
  FieldExtraction,
  field,
  registerPlugin,
  type PluginInfo,
} from 'falco-plugin-sdk';

function extractor(
  info: Partial<PluginInfo>,
  fields = () => [field({ name: 'r.f', type: 'string', desc: 'd' }, () => 'x')],
) {
  class R extends FieldExtraction(BasePlugin) {
    info(): PluginInfo {
      return { name: 'r', description: 'd', contact: 'c', version: '1.0.0', ...info } as PluginInfo;
    }
    fields() {
      return fields();
    }
  }
  return () => registerPlugin(R);
}

function source(info: Partial<PluginInfo>) {
  class S extends EventSourcing(BasePlugin) {
    info(): PluginInfo {
      return { name: 's', description: 'd', contact: 'c', version: '1.0.0', ...info } as PluginInfo;
    }
    open(): never {
      throw new Error('unused');
    }
  }
  return () => registerPlugin(S);
}

describe('registration', () => {
  it('computes the static information once, with defaults', () => {
    const reg = extractor({ extractEventSources: ['a', 'b'] })();
    expect(reg.info.requiredApiVersion).toBe('3.11.0');
    expect(reg.capabilities).toEqual({
      sourcing: false,
      extraction: true,
      parsing: false,
      listening: false,
      async: false,
    });
    expect(JSON.parse(reg.fieldsJson)).toEqual([{ name: 'r.f', type: 'string', desc: 'd' }]);
    expect(reg.initSchemaJson).toBe('');
    expect(reg.extractEventSourcesJson).toBe('["a","b"]');
    expect(reg.extractEventTypes).toEqual([322]);
    expect(reg.create()).toBeInstanceOf(BasePlugin);
  });

  it.each<[string, () => unknown, string]>([
    ['an empty name', extractor({ name: '' }), 'name must be a non-empty string'],
    ['a name with spaces', extractor({ name: 'my plugin' }), 'may only contain letters, digits, _ and -'],
    ['a version that is not semver', extractor({ version: 'v1' }), 'version "v1" is not a semantic version'],
    ['a required API major other than 3', extractor({ requiredApiVersion: '4.0.0' }), 'has major 4'],
    [
      'a required API newer than 3.12',
      extractor({ requiredApiVersion: '3.13.0' }),
      'newer than the plugin API 3.12',
    ],
    [
      'a malformed required API',
      extractor({ requiredApiVersion: '3.x' }),
      'is not a MAJOR.MINOR.PATCH version',
    ],
    [
      'a source without id',
      source({ eventSource: 's' }),
      'an event source with eventSource needs a non-zero id',
    ],
    ['a source without event source', source({ id: 999 }), 'an event source with an id needs eventSource'],
    ['a source named syscall', source({ id: 999, eventSource: 'syscall' }), 'reserved for the host'],
    [
      'an id on an extractor',
      extractor({ id: 5 }),
      'id and eventSource are only for plugins with EventSourcing',
    ],
    [
      'empty extract sources',
      extractor({ extractEventSources: [''] }),
      'extractEventSources must be an array of non-empty strings',
    ],
    [
      'addOutput below API 3.8',
      extractor({ requiredApiVersion: '3.7.0' }, () => [
        field({ name: 'r.o', type: 'string', desc: 'd', addOutput: true }, () => ''),
      ]),
      'addOutput needs plugin API 3.8.0',
    ],
    [
      'fields with no extractor and no extract()',
      extractor({}, () => [{ name: 'r.g', type: 'string', desc: 'd' }]),
      'fields r.g have no extractor',
    ],
    [
      'invalid fields',
      extractor({}, () => [field({ name: 'bad', type: 'string', desc: 'd' })]),
      'invalid field declarations',
    ],
  ])('rejects %s', (_what, register, message) => {
    expect(register).toThrow(message);
  });

  it('accepts addOutput from API 3.8 and a lower required API without it', () => {
    expect(() =>
      extractor({ requiredApiVersion: '3.8.0' }, () => [
        field({ name: 'r.o', type: 'string', desc: 'd', addOutput: true }, () => ''),
      ])(),
    ).not.toThrow();
    expect(extractor({ requiredApiVersion: '3.0.0' })().info.requiredApiVersion).toBe('3.0.0');
  });
});

describe('call deadlines', () => {
  it('fills the defaults and takes the plugin own ones, 0 meaning none', () => {
    const registration = extractor({ callDeadlinesMs: { extract: 0, init: 5000 } })();
    expect(registration.callDeadlinesMs).toEqual([
      5000, 30000, 10000, 0, 2000, 2000, 10000, 10000, 10000, 2000, 10000, 10000, 10000, 30000, 10000, 30000,
    ]);
  });

  it('refuses an unknown callback and a bad value, naming them', () => {
    expect(extractor({ callDeadlinesMs: { extarct: 10 } as never })).toThrow(
      'callDeadlinesMs.extarct is not a callback with a deadline',
    );
    expect(extractor({ callDeadlinesMs: { open: -1 } })).toThrow(
      'callDeadlinesMs.open must be an integer from 0 (none) to 3600000 ms',
    );
  });
});

describe('heap limit', () => {
  it('defaults to DEFAULT_HEAP_LIMIT_MIB and refuses values out of range', () => {
    expect(extractor({})().heapLimitMiB).toBe(1024);
    expect(extractor({ heapLimitMiB: 0 })().heapLimitMiB).toBe(0);
    expect(extractor({ heapLimitMiB: 8 })).toThrow('heapLimitMiB must be an integer from 16 to 65536');
  });
});
