/** `falco-plugin build`'s command line: the options it passes to buildPlugin and the line it prints. */
import path from 'node:path';
import type { BuildOptions, BuildResult } from '../../lib/cli/build-command';
import { buildPlugin } from '../../lib/cli/build-command';
import { main } from '../../lib/cli/main';
import type { PluginRegistration } from '../../lib/plugins/registration';

jest.mock('../../lib/cli/build-command', () => ({ buildPlugin: jest.fn() }));
const built = jest.mocked(buildPlugin);

function result(options: BuildOptions): BuildResult {
  const artifact = path.resolve(options.output);
  return {
    library: path.join(artifact, 'libdemo.so'),
    artifact,
    tarball: options.tar ? path.join(artifact, 'demo-1.2.3-linux-x64-gnu.tar.gz') : undefined,
    registration: {
      info: { name: 'demo', version: '1.2.3' },
      capabilities: { sourcing: true, extraction: true },
    } as PluginRegistration,
    bundleBytes: 1000,
    libraryBytes: 400 * 1024,
    artifactBytes: 89.25 * 1048576,
  };
}

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

beforeEach(() => {
  built.mockReset();
  built.mockImplementation((_entry, options) => Promise.resolve(result(options)));
});

describe('falco-plugin build', () => {
  it('writes to ./out by default, type-checked, with the runtime, and prints what it built', async () => {
    const r = await cli('build', 'src/plugin.ts');
    expect(built).toHaveBeenCalledWith('src/plugin.ts', {
      output: 'out',
      tar: false,
      systemRuntime: false,
      typecheck: true,
      minify: true,
    });
    expect(r).toEqual({
      status: 0,
      stdout:
        'built out: plugin demo 1.2.3 (event sourcing, field extraction), library 400 KiB, artifact 89.3 MiB\n',
      stderr: '',
    });
  });

  it('passes -o, --tar, --system-runtime, --no-typecheck and --no-minify', async () => {
    const r = await cli(
      'build',
      '-o',
      'dist/x',
      'p.ts',
      '--tar',
      '--system-runtime',
      '--no-typecheck',
      '--no-minify',
    );
    expect(built).toHaveBeenCalledWith('p.ts', {
      output: 'dist/x',
      tar: true,
      systemRuntime: true,
      typecheck: false,
      minify: false,
    });
    expect(r.stdout).toBe(
      `built ${path.join('dist', 'x')}: plugin demo 1.2.3 (event sourcing, field extraction), library 400 KiB, ` +
        `artifact 89.3 MiB, tarball ${path.join('dist', 'x', 'demo-1.2.3-linux-x64-gnu.tar.gz')}\n`,
    );
  });

  it('reports a failed build with status 1', async () => {
    built.mockRejectedValue(new Error('type errors in p.ts:\np.ts:1:1: nope'));
    expect(await cli('build', 'p.ts', '--output=o')).toEqual({
      status: 1,
      stdout: '',
      stderr: 'falco-plugin: type errors in p.ts:\np.ts:1:1: nope\n',
    });
  });

  it('does not build on a usage error or --help', async () => {
    expect((await cli('build', 'p.ts', '--out', 'x')).status).toBe(2);
    expect((await cli('build', 'p.ts', '--help')).status).toBe(0);
    expect(built).not.toHaveBeenCalled();
  });
});
