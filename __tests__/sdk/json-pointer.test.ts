/** JSON pointers (RFC 6901) and the JSON value field built on them. */
import {
  BasePlugin,
  FieldExtraction,
  jsonValueField,
  parseJsonPointer,
  registerPlugin,
  resolveJsonPointer,
  type EventReader,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { PluginHarness, pluginEvent } from 'falco-plugin-sdk/testing';

describe('JSON pointers', () => {
  it('splits a pointer into its tokens, with the ~0 and ~1 escapes', () => {
    expect(parseJsonPointer('')).toEqual([]);
    expect(parseJsonPointer('/user/name')).toEqual(['user', 'name']);
    expect(parseJsonPointer('/a~1b/c~0d/')).toEqual(['a/b', 'c~d', '']);
  });

  it('names what is wrong with text that is not a pointer', () => {
    expect(() => parseJsonPointer('user')).toThrow(
      '"user" is not a JSON pointer: it must start with "/", e.g. /user/name',
    );
    expect(() => parseJsonPointer('/a~2')).toThrow(
      '"/a~2" is not a JSON pointer: "~" must be followed by 0 or 1',
    );
  });

  it('resolves objects and array indexes, nothing for what is not there', () => {
    const doc = { items: [{ id: 7 }, { id: 8 }], 'a/b': true };
    expect(resolveJsonPointer(doc, parseJsonPointer('/items/1/id'))).toBe(8);
    expect(resolveJsonPointer(doc, parseJsonPointer('/a~1b'))).toBe(true);
    expect(resolveJsonPointer(doc, parseJsonPointer('/items/01'))).toBeUndefined();
    expect(resolveJsonPointer(doc, parseJsonPointer('/items/x'))).toBeUndefined();
    expect(resolveJsonPointer(doc, parseJsonPointer('/toString'))).toBeUndefined();
    expect(resolveJsonPointer(doc, [])).toBe(doc);
  });
});

describe('jsonValueField', () => {
  class Json extends FieldExtraction(BasePlugin) {
    info(): PluginInfo {
      return {
        name: 'json',
        description: 'JSON values',
        contact: 'test',
        version: '0.1.0',
        extractEventSources: ['x'],
      };
    }
    override eventContext(event: EventReader) {
      return { json: event.json() };
    }
    fields() {
      return [
        jsonValueField<{ json: unknown }>({ name: 'json.value', desc: 'a value' }, (req) => req.context.json),
      ];
    }
  }

  it('declares a required key argument, and gives strings as they are and other values as JSON', async () => {
    const plugin = registerPlugin(Json);
    expect(JSON.parse(plugin.fieldsJson)).toEqual([
      {
        name: 'json.value',
        type: 'string',
        desc: 'a value',
        arg: { isRequired: true, isIndex: false, isKey: true },
      },
    ]);
    const state = await new PluginHarness(plugin).init();
    const event = pluginEvent('{"user":{"name":"alice","roles":["a","b"]},"n":3}');
    expect(state.extract(event, 'json.value[/user/name]')).toBe('alice');
    expect(state.extract(event, 'json.value[/user/roles]')).toBe('["a","b"]');
    expect(state.extract(event, 'json.value[/n]')).toBe('3');
    expect(state.extract(event, 'json.value[/nothing]')).toBeUndefined();
    await state.destroy();
  });
});
