import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPluginModule } from '../../lib/cli/bundle';
import { initProject } from '../../lib/cli/init-command';
import { typecheckPlugin } from '../../lib/cli/typecheck';
import { findRegistration } from '../../lib/plugins/registration';
import { PluginHarness } from '../../lib/testing/harness';

const repo = path.resolve(__dirname, '../..');
let work = '';

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'falco-init-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Points the scaffold's SDK imports at this checkout's sources (instead of node_modules). */
function useRepoSdk(project: string): void {
  const config = JSON.parse(readFileSync(path.join(project, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  config.compilerOptions.baseUrl = '.';
  config.compilerOptions.typeRoots = [path.join(repo, 'node_modules', '@types')];
  config.compilerOptions.paths = {
    'falco-plugin-sdk': [path.join(repo, 'lib/index.ts')],
    'falco-plugin-sdk/testing': [path.join(repo, 'lib/testing/index.ts')],
  };
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(config));
}

describe('falco-plugin init', () => {
  jest.setTimeout(120_000);

  it('scaffolds a project whose plugin and test type-check and whose plugin counts in the harness', async () => {
    const project = path.join(work, 'my-counter');
    const result = initProject(project, { sdk: 'file:../sdk.tgz' });
    expect(result.pluginName).toBe('my_counter');
    for (const file of [
      'package.json',
      'tsconfig.json',
      'jest.config.js',
      'src/plugin.ts',
      'test/plugin.test.ts',
    ]) {
      expect(existsSync(path.join(project, file))).toBe(true);
    }
    expect(existsSync(path.join(project, 'rules/my_counter_rules.yaml'))).toBe(true);
    expect(readFileSync(path.join(project, 'falco.yaml'), 'utf8')).toContain('libmy_counter.so');
    expect(readFileSync(path.join(project, 'jest.config.js'), 'utf8')).toContain("preset: 'ts-jest'");
    expect(readFileSync(path.join(project, 'README.md'), 'utf8')).toContain('falco-ts-runtime/');
    expect(readFileSync(path.join(project, '.gitignore'), 'utf8').split('\n')).toEqual(
      expect.arrayContaining(['node_modules/', 'out/']),
    );
    const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies['falco-plugin-sdk']).toBe('file:../sdk.tgz');
    expect(manifest.scripts.build).toBe('falco-plugin build src/plugin.ts -o out');

    useRepoSdk(project);
    expect(() => typecheckPlugin(path.join(project, 'src/plugin.ts'))).not.toThrow();
    expect(() => typecheckPlugin(path.join(project, 'test/plugin.test.ts'))).not.toThrow();

    const registration = findRegistration(
      await loadPluginModule(path.join(project, 'src/plugin.ts')),
      'plugin',
    );
    const state = await new PluginHarness(registration).init('{"step":2}');
    const rows = await state.run({ open: '{"start":0,"maxEvents":5}', fields: ['my_counter.value'] });
    await state.destroy();
    expect(rows.map((r) => r.fields['my_counter.value'])).toEqual([2n, 4n, 6n, 8n, 10n]);
  });

  it('defaults the SDK dependency to this version', () => {
    const project = path.join(work, 'p');
    initProject(project, { name: 'p' });
    const version = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string })
      .version;
    expect(readFileSync(path.join(project, 'package.json'), 'utf8')).toContain(
      `"falco-plugin-sdk": "^${version}"`,
    );
  });

  it('refuses a folder that is not empty and an invalid name', () => {
    const full = path.join(work, 'full');
    mkdirSync(full);
    writeFileSync(path.join(full, 'x'), '');
    expect(() => initProject(full)).toThrow('full exists and is not empty');
    expect(() => initProject(path.join(work, 'q'), { name: 'Bad-Name' })).toThrow(
      'invalid plugin name "Bad-Name"',
    );
    expect(() => initProject(path.join(work, '123'))).toThrow('give one with --name');
  });
});
