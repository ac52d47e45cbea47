import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { typecheckPlugin } from '../../lib/cli/typecheck';

const repo = path.resolve(__dirname, '../..');
let work = '';

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'falco-typecheck-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A folder with a tsconfig that maps falco-plugin-sdk to this checkout's sources. */
function projectWith(file: string, source: string): string {
  writeFileSync(
    path.join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node10',
        esModuleInterop: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [path.join(repo, 'node_modules', '@types')],
        baseUrl: '.',
        paths: { 'falco-plugin-sdk': [path.join(repo, 'lib/index.ts')] },
      },
    }),
  );
  const entry = path.join(work, file);
  writeFileSync(entry, source);
  return entry;
}

describe('the type check of falco-plugin build', () => {
  jest.setTimeout(120_000);

  it('passes examples/dummy', () => {
    expect(() => typecheckPlugin(path.join(repo, 'examples/dummy/dummy.ts'))).not.toThrow();
  });

  it('fails an event source without open() and names the missing method', () => {
    const entry = projectWith(
      'no-open.ts',
      `import { BasePlugin, EventSourcing, registerPlugin } from 'falco-plugin-sdk';
class X extends EventSourcing(BasePlugin) {
  info() { return { id: 999, name: 'x', description: 'd', contact: 'c', version: '1.0.0', eventSource: 'x' }; }
}
export default registerPlugin(X);
`,
    );
    expect(() => typecheckPlugin(entry)).toThrow(
      /type errors in .*no-open\.ts:\n.*no-open\.ts:5:\d+: [\s\S]*missing method open\(params: OpenParams\)/,
    );
  });

  it('fails a call the embedded Node 18 does not have, with a note on the runtime', () => {
    const entry = projectWith('sorted.ts', 'export const sorted = [3, 1, 2].toSorted();\n');
    expect(() => typecheckPlugin(entry)).toThrow(
      /toSorted[\s\S]*note: plugins run on the embedded Node 18 runtime \(ECMAScript 2022 library\)/,
    );
  });

  it('uses the options of a composite project tsconfig, with only the entry and its imports', () => {
    const entry = projectWith('main.ts', "import { a } from './lib';\nexport const b: number = a;\n");
    writeFileSync(path.join(work, 'lib.ts'), 'export const a = 1;\n');
    const config = JSON.parse(readFileSync(path.join(work, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: Record<string, unknown>;
      include?: string[];
    };
    Object.assign(config.compilerOptions, { composite: true, rootDir: 'src', outDir: 'dist' });
    config.include = ['nothing-here'];
    writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify(config));
    writeFileSync(path.join(work, 'unrelated.ts'), "const broken: number = 'x';\n");
    expect(() => typecheckPlugin(entry)).not.toThrow();
  });

  it('reports at most 20 errors, each once, relative to the working folder', () => {
    const lines = Array.from({ length: 25 }, (_, i) => `export const v${i}: number = '${i}';`);
    const entry = projectWith('many.ts', lines.join('\n') + '\n');
    let message = '';
    try {
      typecheckPlugin(entry);
    } catch (err) {
      message = (err as Error).message;
    }
    const reported = message.split('\n');
    const rel = path.relative(process.cwd(), entry);
    expect(reported[0]).toBe(`type errors in ${rel}:`);
    expect(reported[1]).toBe(`${rel}:1:14: Type 'string' is not assignable to type 'number'.`);
    expect(reported.slice(1, 21).every((l) => l.startsWith(`${rel}:`))).toBe(true);
    expect(reported.slice(21)).toEqual(['… and 5 more']);
  });

  it('uses a strict built-in configuration without a tsconfig', () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'falco-bare-'));
    try {
      const bad = path.join(bare, 'bad.ts');
      writeFileSync(bad, "const x: number = 'a';\nexport default x;\n");
      expect(() => typecheckPlugin(bad)).toThrow("Type 'string' is not assignable to type 'number'");
      const implicit = path.join(bare, 'implicit.ts');
      writeFileSync(implicit, 'export function f(a) { return a; }\n');
      expect(() => typecheckPlugin(implicit)).toThrow("Parameter 'a' implicitly has an 'any' type");
      const good = path.join(bare, 'good.ts');
      writeFileSync(good, 'export const x: number = 1;\n');
      expect(() => typecheckPlugin(good)).not.toThrow();
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
