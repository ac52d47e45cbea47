import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../lib/cli/main';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('the falco-plugin command line', () => {
  it('lists its commands', async () => {
    const r = await cli('--help');
    expect(r.status).toBe(0);
    for (const command of ['build', 'harness', 'init', 'run', 'info'])
      expect(r.stdout).toContain(`  ${command} `);
  });

  it.each([
    ['build', ['--output', '--tar', '--system-runtime', '--no-typecheck']],
    ['harness', ['--config', '--open', '--fields', '--max-events', '--json']],
    ['init', ['--name', '--sdk']],
  ])('answers %s --help with every option', async (command, options) => {
    for (const help of ['--help', '-h']) {
      const r = await cli(command, help);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`usage: falco-plugin ${command}`);
      for (const o of options) expect(r.stdout).toContain(o);
    }
  });

  it('answers info --help', async () => {
    const r = await cli('info', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: falco-plugin info <lib.so>');
  });

  it.each(['build', 'harness', 'init'])('refuses an unknown option of %s', async (command) => {
    const r = await cli(command, 'x.ts', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `falco-plugin ${command}: unknown option --bogus (see falco-plugin ${command} --help)\n`,
    );
  });

  it('says which value or argument is missing, or which one is too many', async () => {
    expect(await cli('harness', 'x.ts', '--config')).toEqual({
      status: 2,
      stdout: '',
      stderr: 'option --config needs a value\n',
    });
    expect((await cli('build', 'x.ts', '--tar=yes')).stderr).toBe('option --tar takes no value\n');
    expect((await cli('build', 'x.ts', '-o')).stderr).toBe('option --output needs a value\n');
    for (const [command, what] of [
      ['build', 'the plugin entry file <entry.ts>'],
      ['harness', 'the plugin entry file <entry.ts>'],
      ['init', 'the folder to create <dir>'],
    ]) {
      const r = await cli(command);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`falco-plugin ${command} needs ${what} (see falco-plugin ${command} --help)\n`);
    }
    const extra = await cli('init', 'a', 'b');
    expect(extra.status).toBe(2);
    expect(extra.stderr).toBe('falco-plugin init: unexpected argument b (it takes one <dir>)\n');
  });

  it('prints the usage on stderr without a command', async () => {
    const r = await cli();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: falco-plugin <command>');
  });

  it('scaffolds with init and prints the next steps; an invalid name fails with status 1', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'falco-main-init-'));
    try {
      const dir = path.join(work, 'proj');
      const r = await cli('init', dir, '--name', 'my_plugin', '--sdk', '^9.9.9');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`created plugin my_plugin in ${dir}: package.json,`);
      expect(r.stdout).toContain(`next: cd ${dir} && npm install && npm test && npm run build\n`);
      expect(readFileSync(path.join(dir, 'package.json'), 'utf8')).toContain('"falco-plugin-sdk": "^9.9.9"');
      const bad = await cli('init', path.join(work, 'other'), '--name', 'My-Plugin');
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('falco-plugin: invalid plugin name "My-Plugin"');
      const again = await cli('init', dir);
      expect(again.status).toBe(1);
      expect(again.stderr).toContain('exists and is not empty');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('checks --max-events of harness', async () => {
    const r = await cli('harness', 'x.ts', '--max-events', 'ten');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('falco-plugin: --max-events takes a non-negative integer\n');
  });

  it('refuses an unknown command', async () => {
    const r = await cli('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
});
