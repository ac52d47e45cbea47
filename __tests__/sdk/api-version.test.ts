/** The default required API version follows the features a plugin uses; too low a version fails to register. */
import {
  BaseInstance,
  BasePlugin,
  CaptureListening,
  EOF,
  EventParsing,
  EventSourcing,
  FieldExtraction,
  field,
  registerPlugin,
  type PluginInfo,
} from 'falco-plugin-sdk';

const info = (extra: Partial<PluginInfo> = {}): PluginInfo => ({
  name: 'p',
  description: 'd',
  contact: 'c',
  version: '0.1.0',
  ...extra,
});

const source = (extra: Partial<PluginInfo> = {}) =>
  class extends EventSourcing(BasePlugin) {
    info() {
      return info({ id: 999, eventSource: 's', ...extra });
    }
    open() {
      return new (class extends BaseInstance {
        nextBatch() {
          return EOF;
        }
      })();
    }
  };

class Parser extends EventParsing(BasePlugin) {
  info() {
    return info();
  }
  parseEvent() {}
}

class Extractor extends FieldExtraction(BasePlugin) {
  info() {
    return info();
  }
  fields() {
    return [field({ name: 'p.x', type: 'uint64', desc: 'x' }, () => 1n)];
  }
}

const listener = (extra: Partial<PluginInfo> = {}) =>
  class extends CaptureListening(BasePlugin) {
    info() {
      return info(extra);
    }
    captureOpen() {}
    captureClose() {}
  };

class Tunable extends source() {
  setConfig() {}
}

describe('required API version', () => {
  it.each([
    ['a source (the host logger)', () => registerPlugin(source()), '3.3.0'],
    ['a source with setConfig', () => registerPlugin(Tunable), '3.4.0'],
    ['a parser (tables with sub-tables)', () => registerPlugin(Parser), '3.5.0'],
    ['a capture listener', () => registerPlugin(listener()), '3.7.0'],
    ['an extractor (value offsets)', () => registerPlugin(Extractor), '3.11.0'],
    [
      'a plugin with an event schema version',
      () => registerPlugin(source({ requiredEventSchemaVersion: '3.52.0' })),
      '3.12.0',
    ],
  ])('defaults to what %s needs', (_what, register, version) => {
    expect(register().info.requiredApiVersion).toBe(version);
  });

  it('takes a lower version where the feature can be off, and keeps the given one', () => {
    expect(registerPlugin(source({ requiredApiVersion: '3.0.0' })).info.requiredApiVersion).toBe('3.0.0');
  });

  it('refuses a version too old for capture listening or the event schema version, naming the feature', () => {
    expect(() => registerPlugin(listener({ requiredApiVersion: '3.6.0' }))).toThrow(
      'requiredApiVersion 3.6.0 is too old: listening needs plugin API 3.7.0 or later',
    );
    expect(() =>
      registerPlugin(source({ requiredApiVersion: '3.11.0', requiredEventSchemaVersion: '3.0.0' })),
    ).toThrow('requiredApiVersion 3.11.0 is too old: eventSchemaVersion needs plugin API 3.12.0 or later');
  });

  it('checks the event schema version is MAJOR.MINOR.PATCH', () => {
    expect(() => registerPlugin(source({ requiredEventSchemaVersion: '3.x' }))).toThrow(
      'requiredEventSchemaVersion "3.x" is not a MAJOR.MINOR.PATCH version',
    );
    expect(
      registerPlugin(source({ requiredEventSchemaVersion: '3.52.0' })).info.requiredEventSchemaVersion,
    ).toBe('3.52.0');
  });
});
