import path from 'node:path';
import ts from 'typescript';

/**
 * Compiles the fixtures in __tests__/fixtures/type-errors with the project's compiler options and returns
 * each file's error messages. The fixtures are excluded from the project build because they must not
 * compile.
 */
function compileErrors(fixture: string): string[] {
  const root = path.resolve(__dirname, '../..');
  const configPath = path.join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  const file = path.join(root, '__tests__/fixtures/type-errors', fixture);
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('compile-time capability checks', () => {
  jest.setTimeout(60_000);

  it('compiles a complete plugin without errors', () => {
    expect(compileErrors('valid-plugin.ts')).toEqual([]);
  });

  it('names the missing open method and its signature for an event source', () => {
    const errors = compileErrors('source-missing-open.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('missing method open(params: OpenParams): NextBatch | Promise<NextBatch>');
  });

  it('names the missing fields method and its signature for an extractor', () => {
    const errors = compileErrors('extractor-missing-fields.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('missing method fields(): readonly FieldDefinition[]');
  });

  it('names the missing parseEvent method and its signature for a parser', () => {
    const errors = compileErrors('parser-missing-parse-event.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('missing method parseEvent(event: EventReader, context: ParseContext): void');
  });

  it('rejects a plugin without any capability', () => {
    const errors = compileErrors('no-capability.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('a plugin needs a capability');
  });

  it('rejects an init method that does not accept the init schema output', () => {
    const errors = compileErrors('init-config-mismatch.ts');
    expect(errors.join('\n')).toContain('init(config) must accept the output of initSchema');
  });

  it('names the missing captureClose of a capture listener with its signature', () => {
    const errors = compileErrors('listener-missing-capture-close.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('missing method captureClose(context: CaptureListenContext): void');
  });

  it('rejects fields that read another context than eventContext returns', () => {
    const errors = compileErrors('context-mismatch.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('eventContext(event) must return the context the fields read');
  });

  it('types this.config from the schema given to BasePlugin.withConfig', () => {
    const errors = compileErrors('config-typed.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("Property 'nope' does not exist on type '{ threshold: number; }'");
  });

  it('names the missing stopAsync of an async event producer with its signature', () => {
    const errors = compileErrors('async-missing-stop-async.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('missing method stopAsync(): void');
  });

  it('rejects a setConfig method that does not accept the init schema output', () => {
    const errors = compileErrors('set-config-mismatch.ts');
    expect(errors.join('\n')).toContain('setConfig(config) must accept the output of initSchema');
  });

  it('rejects extractor return values that do not match the declared field type', () => {
    const errors = compileErrors('field-value-mismatch.ts');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("is not assignable to type 'number | bigint | undefined'");
    expect(errors[1]).toContain("Type 'string' is not assignable to type 'readonly string[]'");
  });
});
