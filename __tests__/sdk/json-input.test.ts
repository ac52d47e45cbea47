import { parseJsonInput, toJsonSchema, z } from 'falco-plugin-sdk';
import { parsingSchema } from '../../lib/sdk/json-input';

const Config = z.object({
  jitter: z.number().int().min(0).default(10).describe('jitter'),
  name: z.string().optional(),
  nested: z.object({ depth: z.number() }).optional(),
});

describe('config and open params from zod', () => {
  it('turns an empty or blank text into {} so defaults apply', () => {
    expect(parseJsonInput('init config', '', Config)).toEqual({ jitter: 10 });
    expect(parseJsonInput('init config', '  \n', Config)).toEqual({ jitter: 10 });
  });

  it('returns the typed, parsed value', () => {
    expect(parseJsonInput('init config', '{"jitter":3,"name":"a"}', Config)).toEqual({
      jitter: 3,
      name: 'a',
    });
  });

  it('names the key and the problem of an invalid value', () => {
    expect(() => parseJsonInput('init config', '{"jitter":"x"}', Config)).toThrow(
      'invalid init config: jitter: Expected number, received string',
    );
    expect(() => parseJsonInput('init config', '{"nested":{"depth":"deep"}}', Config)).toThrow(
      'invalid init config: nested.depth: Expected number, received string',
    );
    expect(() => parseJsonInput('open params', '{"jitter":-1}', Config)).toThrow(
      'invalid open params: jitter: Number must be greater than or equal to 0',
    );
  });

  it('reports text that is not JSON', () => {
    expect(() => parseJsonInput('open params', 'not json', Config)).toThrow(
      /^invalid open params: not valid JSON \(.*\): not json$/,
    );
  });

  it('accepts undeclared keys by default and rejects them when strict', () => {
    expect(parseJsonInput('init config', '{"extra":1}', Config)).toEqual({ jitter: 10 });
    const strict = parsingSchema(Config, { strict: true });
    expect(() => parseJsonInput('init config', '{"extra":1}', strict)).toThrow(
      /Unrecognized key\(s\) in object: 'extra'/,
    );
  });

  it('generates draft-07 JSON Schema allowing additional properties unless strict', () => {
    const schema = toJsonSchema(Config);
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: true,
      properties: {
        jitter: { type: 'integer', minimum: 0, default: 10, description: 'jitter' },
        name: { type: 'string' },
        nested: { type: 'object', additionalProperties: true, properties: { depth: { type: 'number' } } },
      },
    });
    expect(toJsonSchema(Config, { strict: true }).additionalProperties).toBe(false);
    expect(toJsonSchema(Config.strict()).additionalProperties).toBe(false);
  });
});
