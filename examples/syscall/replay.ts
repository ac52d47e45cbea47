/**
 * A source of syscall-shaped events: it replays execve exit events for the commands in its open params
 * (a JSON array of command lines, each an array of words), as a capture of a real system would hold them.
 * It declares no id and no event source: its events belong to the host's `syscall` source, and any
 * extractor or parser of syscall events sees them as it would see the kernel's.
 */
import {
  BaseInstance,
  BasePlugin,
  EOF,
  EventSourcing,
  encodeSyscallEvent,
  registerPlugin,
  type EventBatch,
  type PluginInfo,
  type SyscallEventInput,
} from 'falco-plugin-sdk';

/** The open params: `[["ls", "-la"], ["cat", "/etc/passwd"]]`. */
function commands(params: string): string[][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(params === '' ? '[]' : params);
  } catch (err) {
    throw new Error(`open params must be a JSON array of command lines: ${(err as Error).message}`);
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every((c) => Array.isArray(c) && c.length > 0 && c.every((w) => typeof w === 'string'))
  )
    throw new Error('open params must be a JSON array of command lines, each a non-empty array of strings');
  return parsed as string[][];
}

const now = () => BigInt(Date.now()) * 1_000_000n;

/** The exit event of a successful execve of `exe` by process `pid`, every parameter set as a kernel sets it. */
function execveExit(exe: string, args: string[], pid: bigint): SyscallEventInput<'execve_x'> {
  const comm = exe.split('/').pop() || exe;
  return {
    res: 0n,
    exe,
    args,
    tid: pid,
    pid,
    ptid: 1n,
    cwd: '/',
    fdlimit: 1024n,
    pgft_maj: 0n,
    pgft_min: 0n,
    vm_size: 0,
    vm_rss: 0,
    vm_swap: 0,
    comm,
    cgroups: ['cpuset=/', 'cpu=/', 'memory=/'],
    env: ['PATH=/usr/bin:/bin', 'HOME=/root'],
    tty: 0,
    vpgid: pid,
    loginuid: 0,
    flags: 0,
    cap_inheritable: 0n,
    cap_permitted: 0n,
    cap_effective: 0n,
    exe_ino: 0n,
    exe_ino_ctime: 0n,
    exe_ino_mtime: 0n,
    uid: 0,
    trusted_exepath: exe,
    pgid: pid,
    gid: 0,
    filename: exe,
  };
}

class Replay extends BaseInstance {
  private next = 0;
  constructor(private readonly lines: string[][]) {
    super();
  }

  nextBatch(batch: EventBatch) {
    while (!batch.full && this.next < this.lines.length) {
      const [exe, ...args] = this.lines[this.next];
      const pid = BigInt(1000 + this.next++);
      batch.writeEvent(encodeSyscallEvent('execve_x', execveExit(exe, args, pid), { ts: now(), tid: pid }));
    }
    return this.next >= this.lines.length ? EOF : undefined;
  }
}

class ReplaySource extends EventSourcing(BasePlugin) {
  info(): PluginInfo {
    return {
      name: 'replay',
      description: 'Replays execve events for the command lines of its open params',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
    };
  }

  open(params: string) {
    return new Replay(commands(params));
  }
}

export default registerPlugin(ReplaySource);
