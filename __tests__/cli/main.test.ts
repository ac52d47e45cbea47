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

  it('says which value or argument is missing', async () => {
    expect((await cli('harness', 'x.ts', '--config')).stderr).toBe('option --config needs a value\n');
    expect((await cli('build', 'x.ts', '--tar=yes')).stderr).toBe('option --tar takes no value\n');
    const r = await cli('build');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('falco-plugin build needs the plugin entry file');
  });

  it('refuses an unknown command', async () => {
    const r = await cli('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
});
