/** examples/syscall in the harness: the cmdline extractor on execve events, and the replay source. */
import { PluginHarness, syscallEvent } from 'falco-plugin-sdk/testing';
import cmdline from '../../examples/syscall/cmdline';
import replay from '../../examples/syscall/replay';

describe('examples/syscall', () => {
  it('declares the execve exit events it reads and the schema it was written for', () => {
    expect(cmdline.extractEventTypes).toEqual([293, 331]);
    expect(cmdline.info.requiredEventSchemaVersion).toBe('4.0.0');
  });

  it('extracts the command line of a started program, nothing for a failed execve', async () => {
    const state = await new PluginHarness(cmdline).init();
    const ls = syscallEvent('execve_x', { res: 0n, exe: '/bin/ls', args: ['-la', '/tmp'] });
    expect(state.extract(ls, 'cmdline.exe')).toBe('/bin/ls');
    expect(state.extract(ls, 'cmdline.argc')).toBe(2n);
    expect(state.extract(ls, 'cmdline.len')).toBe(BigInt('/bin/ls -la /tmp'.length));
    const failed = syscallEvent('execve_x', { res: -2n, exe: '/bin/nope' }, { number: 2 });
    expect(state.extract(failed, 'cmdline.exe')).toBeUndefined();
    const at = syscallEvent('execveat_x', { res: 0n, exe: '/bin/sh', args: ['-c', 'id'] }, { number: 3 });
    expect(state.extract(at, 'cmdline.argc')).toBe(2n);
    await state.destroy();
  });

  it('is handed only the event types it declares', async () => {
    const state = await new PluginHarness(cmdline).init();
    const open = syscallEvent('openat_x', { fd: 3n, name: '/etc/passwd' });
    expect(() => state.extract(open, 'cmdline.exe')).toThrow(
      'extract_fields: the host does not hand events of type 307 to this plugin (its extractEventTypes: 293, 331)',
    );
    await state.destroy();
  });

  it('replays the command lines of its open params as execve events of the syscall source', async () => {
    const source = await new PluginHarness(replay).init();
    const extractor = await new PluginHarness(cmdline).init();
    const capture = await source.open(JSON.stringify([['/bin/ls', '-l'], ['/bin/true']]));
    const exes: unknown[] = [];
    for await (const event of capture.events()) exes.push(extractor.extract(event, 'cmdline.exe'));
    await capture.close();
    expect(exes).toEqual(['/bin/ls', '/bin/true']);
    await source.destroy();
    await extractor.destroy();
  });
});
