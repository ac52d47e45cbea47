import Ajv from 'ajv';
import dummy from '../../examples/dummy/dummy';
import { PluginHarness, type CapturedEvent } from 'falco-plugin-sdk/testing';

describe('examples/dummy in the harness', () => {
  const harness = new PluginHarness(dummy);

  it('yields samples 1..10 with jitter 0, divisibility and event_to_string', async () => {
    const state = await harness.init('{"jitter":0}');
    const rows = await state.run({
      open: '{"start":0,"maxEvents":10}',
      fields: ['dummy.value', 'dummy.strvalue', 'dummy.divisible[3]'],
    });
    await state.destroy();
    expect(rows.map((r) => r.fields['dummy.value'])).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n]);
    expect(rows.map((r) => r.fields['dummy.strvalue'])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    const divisible = rows
      .filter((r) => r.fields['dummy.divisible[3]'] === 1n)
      .map((r) => r.fields['dummy.value']);
    expect(divisible).toEqual([3n, 6n, 9n]);
    expect(
      rows.every((r) => r.fields['dummy.divisible[3]'] === 0n || r.fields['dummy.divisible[3]'] === 1n),
    ).toBe(true);
    expect(rows[2].plugininfo).toBe('{"sample": "3"}');
    expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('fails dummy.divisible[0] with a clear error instead of crashing', async () => {
    const state = await harness.init('{"jitter":0}');
    const capture = await state.open('{"start":0,"maxEvents":3}');
    const events: CapturedEvent[] = [];
    for await (const e of capture.events()) events.push(e);
    expect(() => state.extract(events[0], 'dummy.divisible[0]')).toThrow(
      'extract_fields failed: cannot extract dummy.divisible[0] from event 1: the divisor must be greater than 0',
    );
    // the state keeps working after the failure
    expect(state.extract(events[0], 'dummy.divisible[1]')).toBe(1n);
    await capture.close();
    await state.destroy();
  });

  it('rejects a config of the wrong type naming the key', async () => {
    await expect(harness.init('{"jitter":"x"}')).rejects.toThrow(/jitter.*must be integer/);
    // the plugin itself also rejects it when the host does not validate
    const state = harness.init('{"jitter":-1}');
    await expect(state).rejects.toThrow(/jitter/);
  });

  it('rejects open params that are not JSON', async () => {
    const state = await harness.init('');
    await expect(state.open('not json')).rejects.toThrow(/open failed: invalid open params: not valid JSON/);
    await state.destroy();
  });

  it('generates a valid draft-07 init schema with jitter an integer defaulting to 10', () => {
    const schema = JSON.parse(dummy.initSchemaJson);
    const ajv = new Ajv();
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(schema.properties.jitter).toMatchObject({ type: 'integer', default: 10 });
    expect(schema.additionalProperties).toBe(true);
  });
});
