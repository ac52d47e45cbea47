/** The text of a failed call's `get_last_error` (lib/sdk/errors.ts errorMessage). */
import { ContractRangeError, ContractTypeError, errorMessage } from '../../lib/sdk/errors';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('errorMessage', () => {
  it("gives an error's message as the plugin wrote it", () => {
    expect(errorMessage(new Error('bad open params: port must be a number'))).toBe(
      'bad open params: port must be a number',
    );
    expect(errorMessage('a string')).toBe('a string');
    expect(errorMessage(new Error(''))).toBe('Error');
  });

  it("gives the SDK's own contract errors alone, though they are TypeErrors and RangeErrors", () => {
    expect(errorMessage(new ContractTypeError('parseEvent must return synchronously'))).toBe(
      'parseEvent must return synchronously',
    );
    expect(errorMessage(new ContractRangeError('timestamp -1 is out of range'))).toBe(
      'timestamp -1 is out of range',
    );
    expect(new ContractTypeError('x')).toBeInstanceOf(TypeError);
  });

  it('names a JavaScript error and where it was thrown', () => {
    const missing = JSON.parse('{}') as { entry?: { id: number } };
    const err = thrownBy(() => missing.entry!.id);
    expect(errorMessage(err)).toMatch(
      /^TypeError: Cannot read properties of undefined \(reading 'id'\) \(at .*error-message\.test\.ts:\d+:\d+\)?\)$/,
    );
  });

  it('skips frames without a source position, like JSON.parse', () => {
    const err = thrownBy(() => JSON.parse('not json'));
    const text = errorMessage(err);
    expect(text).toMatch(/^SyntaxError: Unexpected token .*error-message\.test\.ts:\d+:\d+\)?\)$/);
    expect(text).not.toContain('<anonymous>');
  });
});
