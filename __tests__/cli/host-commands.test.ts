/** `falco-plugin run` and `info`: their arguments go to the native host, which parses them itself. */
import { main } from '../../lib/cli/main';
import { runNativeHost } from '../../lib/cli/run-command';

jest.mock('../../lib/cli/run-command', () => ({ runNativeHost: jest.fn() }));
const host = jest.mocked(runNativeHost);

async function cli(...argv: string[]) {
  let stdout = '';
  const status = await main(argv, { stdout: (t) => (stdout += t), stderr: () => undefined });
  return { status, stdout };
}

beforeEach(() => {
  host.mockReset();
  host.mockResolvedValue(0);
});

describe('falco-plugin run and info', () => {
  it('passes run arguments through, and --help / -h as the host help', async () => {
    await cli('run', 'out/libx.so', '--config', '{}', '--json');
    expect(host).toHaveBeenLastCalledWith(['out/libx.so', '--config', '{}', '--json']);
    for (const help of ['--help', '-h']) {
      await cli('run', help);
      expect(host).toHaveBeenLastCalledWith(['--help']);
    }
  });

  it('passes the host status through', async () => {
    host.mockResolvedValue(3);
    expect((await cli('run', 'libx.so', '--bogus')).status).toBe(3);
  });

  it('runs info in the host, and answers its --help itself', async () => {
    await cli('info', 'out/libx.so');
    expect(host).toHaveBeenLastCalledWith(['info', 'out/libx.so']);
    host.mockClear();
    const r = await cli('info', '-h');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: falco-plugin info <lib.so>');
    expect(host).not.toHaveBeenCalled();
  });
});
