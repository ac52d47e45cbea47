import { field, type FieldSpec } from 'falco-plugin-sdk';
import { fieldsToJson, validateFields } from '../../lib/sdk/fields/field-definition';

const ok: FieldSpec = { name: 'p.a', type: 'string', desc: 'a' };

describe('field declarations', () => {
  it('serializes every property libsinsp reads', () => {
    const json = JSON.parse(
      fieldsToJson([
        field({
          name: 'p.list',
          type: 'ipaddr',
          isList: true,
          arg: { isRequired: true, isKey: true },
          display: 'List',
          desc: 'addresses',
          properties: ['hidden', 'conversation'],
          addOutput: true,
        }),
        ok,
      ]),
    );
    expect(json).toEqual([
      {
        name: 'p.list',
        type: 'ipaddr',
        isList: true,
        arg: { isRequired: true, isIndex: false, isKey: true },
        display: 'List',
        desc: 'addresses',
        properties: ['hidden', 'conversation'],
        addOutput: true,
      },
      { name: 'p.a', type: 'string', desc: 'a' },
    ]);
  });

  it('accepts valid declarations', () => {
    expect(() => validateFields([ok, { name: 'p.b_2.c', type: 'abstime', desc: 'b' }])).not.toThrow();
  });

  it.each<[string, FieldSpec[], string]>([
    ['no field', [], 'at least one field'],
    ['duplicate names', [ok, { ...ok }], 'field "p.a": declared more than once'],
    ['a malformed name', [{ ...ok, name: 'nodot' }], 'field "nodot": name must be dotted words'],
    ['a name with spaces', [{ ...ok, name: 'p.a b' }], 'name must be dotted words'],
    ['an empty desc', [{ ...ok, desc: ' ' }], 'desc must be a non-empty string'],
    ['an unknown type', [{ ...ok, type: 'bytebuf' as never }], 'type "bytebuf" is not one of string, uint64'],
    [
      'an unknown property',
      [{ ...ok, properties: ['secret' as never] }],
      'property "secret" is not one of hidden, info, conversation',
    ],
    [
      'index and key at once',
      [{ ...ok, arg: { isIndex: true, isKey: true } }],
      'cannot be both isIndex and isKey',
    ],
    [
      'a required arg of no kind',
      [{ ...ok, arg: { isRequired: true } }],
      'a required arg must be isIndex or isKey',
    ],
  ])('rejects %s with a clear message', (_what, fields, message) => {
    expect(() => validateFields(fields)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() =>
      validateFields([
        { ...ok, desc: '' },
        { ...ok, name: 'x', type: 'int' as never },
      ]),
    ).toThrow(
      /desc must be a non-empty string\n- field "x": name must be dotted words.*\n- field "x": type "int"/s,
    );
  });
});
