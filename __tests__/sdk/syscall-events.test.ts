import {
  encodeSyscallEvent,
  readSyscallEvent,
  SYSCALL_EVENTS,
  SYSCALL_SCHEMA_VERSION,
  resolveFlagNames,
  OPEN_FLAGS,
  SOCKET_FAMILIES,
} from '../../lib/sdk/syscall';
import type { SocketTuple, SyscallEventKey, SyscallParamName } from '../../lib/sdk/syscall';
import { PLUGIN_EVENT_PAYLOAD_OFFSET } from '../../lib/sdk/event-layout';
import { decodeParam, paramProblem } from '../../lib/sdk/syscall/decode-params';
import { encodeParam } from '../../lib/sdk/syscall/encode-params';

const utf8 = new TextEncoder();

/** A raw event with u16 parameter lengths (or u32 with `wide`), for layouts the encoder would not build. */
function rawEvent(type: number, params: Uint8Array[], options: { nparams?: number; wide?: boolean } = {}) {
  const width = options.wide ? 4 : 2;
  const length = 26 + width * params.length + params.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, 1000n, true);
  view.setBigInt64(8, 42n, true);
  view.setUint32(16, length, true);
  view.setUint16(20, type, true);
  view.setUint32(22, options.nparams ?? params.length, true);
  let at = 26 + width * params.length;
  params.forEach((p, i) => {
    if (width === 2) view.setUint16(26 + 2 * i, p.length, true);
    else view.setUint32(26 + 4 * i, p.length, true);
    out.set(p, at);
    at += p.length;
  });
  return out;
}

function le64(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, value, true);
  return out;
}

describe('the schema', () => {
  it('records the libscap schema version it was written for', () => {
    expect(SYSCALL_SCHEMA_VERSION).toBe('4.5.1');
  });

  it('has one entry per event type number, keyed by name and direction', () => {
    const keys = Object.keys(SYSCALL_EVENTS) as SyscallEventKey[];
    const types = keys.map((k) => SYSCALL_EVENTS[k].type);
    expect(new Set(types).size).toBe(types.length);
    for (const key of keys) {
      const spec = SYSCALL_EVENTS[key];
      expect(key).toBe(`${spec.name}_${spec.direction === 'enter' ? 'e' : 'x'}`);
    }
    expect(SYSCALL_EVENTS.openat_x.type).toBe(307);
    expect(SYSCALL_EVENTS.execve_x.type).toBe(293);
    expect(SYSCALL_EVENTS.execve_x.params).toHaveLength(31);
    expect(SYSCALL_EVENTS.clone3_x.type).toBe(335);
    expect(SYSCALL_EVENTS.pluginevent_e.type).toBe(322);
    expect(SYSCALL_EVENTS.asyncevent_e.type).toBe(402);
  });

  it('resolves flag names as libsinsp does: multi-bit entries first, 0 only for 0, enumerations exactly', () => {
    expect(resolveFlagNames(OPEN_FLAGS, 0x3, false)).toEqual(['O_RDWR']);
    expect(resolveFlagNames(OPEN_FLAGS, 0x1, false)).toEqual(['O_RDONLY']);
    expect(resolveFlagNames(OPEN_FLAGS, 0, false)).toEqual(['O_NONE']);
    expect(resolveFlagNames(SOCKET_FAMILIES, 1, true)).toEqual(['AF_LOCAL', 'AF_UNIX']);
  });
});

describe('round trips', () => {
  it('openat exit with flags: the exact bytes, then every value back', () => {
    const bytes = encodeSyscallEvent(
      'openat_x',
      {
        fd: 3n,
        dirfd: -100,
        name: 'etc/passwd',
        flags: ['O_RDWR', 'O_CREAT', 'O_CLOEXEC'],
        mode: 0o644,
        dev: 0x803,
        ino: 1234n,
      },
      { ts: 1_700_000_000_000_000_000n, tid: 4242 },
    );
    const view = new DataView(bytes.buffer);
    expect(bytes.length).toBe(26 + 7 * 2 + 8 + 8 + 11 + 4 + 4 + 4 + 8);
    expect(view.getUint32(16, true)).toBe(bytes.length);
    expect(view.getUint16(20, true)).toBe(307);
    expect(view.getUint32(22, true)).toBe(7);
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => view.getUint16(26 + 2 * i, true))).toEqual([
      8, 8, 11, 4, 4, 4, 8,
    ]);
    expect(bytes[40 + 16 + 10]).toBe(0); // the NUL after 'etc/passwd'

    const ev = readSyscallEvent(bytes, 'openat_x');
    expect([ev.key, ev.type, ev.name, ev.direction]).toEqual(['openat_x', 307, 'openat', 'exit']);
    expect([ev.ts, ev.tid, ev.length, ev.paramCount]).toEqual([
      1_700_000_000_000_000_000n,
      4242n,
      bytes.length,
      7,
    ]);
    expect(ev.param('fd')).toBe(3n);
    expect(ev.param('dirfd')).toBe(-100n);
    expect(ev.param('name')).toBe('etc/passwd');
    expect(ev.param('flags')).toEqual({ value: 0x1007, names: ['O_CREAT', 'O_RDWR', 'O_CLOEXEC'] });
    expect(ev.param('mode')).toBe(0o644);
    expect(ev.param('dev')).toBe(0x803);
    expect(ev.param('ino')).toBe(1234n);
    // Zero-copy: raw parameters and the event's bytes are views into the given buffer.
    expect(ev.rawParam('fd').buffer).toBe(bytes.buffer);
    expect(ev.bytes.buffer).toBe(bytes.buffer);
  });

  it('reads an event inside a larger buffer (through a DataView), bounded by its len', () => {
    const one = encodeSyscallEvent('close_x', { res: 0, fd: 7 });
    const buffer = new Uint8Array(one.length + 20);
    buffer.set(one, 10);
    const ev = readSyscallEvent(new DataView(buffer.buffer, 10), 'close_x');
    expect(ev.param('fd')).toBe(7n);
    expect(ev.bytes.length).toBe(one.length);
  });

  it('close exit: the exact bytes of a small event', () => {
    const bytes = encodeSyscallEvent('close_x', { res: -9, fd: 5 }, { ts: 1n, tid: 2n });
    expect(Array.from(bytes)).toEqual([
      ...[1, 0, 0, 0, 0, 0, 0, 0],
      ...[2, 0, 0, 0, 0, 0, 0, 0],
      ...[46, 0, 0, 0],
      ...[5, 0],
      ...[2, 0, 0, 0],
      ...[8, 0, 8, 0],
      ...[0xf7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      ...[5, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(readSyscallEvent(bytes, 'close_x').param('res')).toBe(-9n);
  });

  it('execve exit with args and env as NUL-separated strings; parameters left out are empty', () => {
    const bytes = encodeSyscallEvent('execve_x', {
      res: 0,
      exe: 'ls',
      args: ['-la', '/tmp'],
      tid: 100,
      pid: 100,
      ptid: 1,
      env: ['PATH=/bin', 'HOME=/root'],
      flags: ['EXE_WRITABLE', 'EXE_UPPER_LAYER'],
      uid: 1000,
      gid: 1000,
      filename: '/bin/ls',
    });
    const ev = readSyscallEvent(bytes);
    if (ev.key !== 'execve_x') throw new Error(`read ${ev.key}`);
    expect(ev.param('args')).toEqual(['-la', '/tmp']);
    expect(new TextDecoder().decode(ev.rawParam('args'))).toBe('-la\0/tmp\0');
    expect(ev.param('env')).toEqual(['PATH=/bin', 'HOME=/root']);
    expect(ev.param('exe')).toBe('ls');
    expect(ev.param('filename')).toBe('/bin/ls');
    expect(ev.param('flags')).toEqual({ value: 3, names: ['EXE_WRITABLE', 'EXE_UPPER_LAYER'] });
    expect(ev.param('uid')).toBe(1000);
    expect(ev.isEmpty('cwd')).toBe(true);
    expect(ev.paramOrUndefined('cwd')).toBeUndefined();
    expect(() => ev.param('cwd')).toThrow(
      new Error("syscall event execve_x (type 293): parameter 'cwd' (charbuf) is empty"),
    );
    const all = ev.params();
    expect(all.pid).toBe(100n);
    expect(all.cgroups).toBeUndefined();
  });

  it('connect exit with an IPv4 and an IPv6 socktuple, and the sockaddr', () => {
    const v4 = encodeSyscallEvent('connect_x', {
      res: 0,
      tuple: {
        family: 'inet',
        source: { address: '10.0.0.1', port: 40000 },
        destination: { address: '93.184.216.34', port: 443 },
      },
      fd: 4,
      addr: { family: 'inet', address: '93.184.216.34', port: 443 },
    });
    const ev4 = readSyscallEvent(v4, 'connect_x');
    const rawTuple = ev4.rawParam('tuple');
    expect(Array.from(rawTuple)).toEqual([2, 10, 0, 0, 1, 0x40, 0x9c, 93, 184, 216, 34, 0xbb, 0x01]);
    expect(ev4.param('tuple')).toEqual({
      family: 'inet',
      source: { address: '10.0.0.1', port: 40000 },
      destination: { address: '93.184.216.34', port: 443 },
    });
    expect(ev4.param('addr')).toEqual({ family: 'inet', address: '93.184.216.34', port: 443 });

    const v6 = encodeSyscallEvent('connect_x', {
      res: -111,
      tuple: {
        family: 'inet6',
        source: { address: '2001:DB8:0:0:0:0:0:1', port: 5555 },
        destination: { address: '::ffff:192.0.2.7', port: 80 },
      },
      fd: 4,
      addr: { family: 'inet6', address: 'fe80::1:0:0:2', port: 80 },
    });
    const ev6 = readSyscallEvent(v6, 'connect_x');
    expect(ev6.rawParam('tuple').length).toBe(37);
    expect(ev6.param('res')).toBe(-111n);
    expect(ev6.param('tuple')).toEqual({
      family: 'inet6',
      source: { address: '2001:db8::1', port: 5555 },
      destination: { address: '::ffff:192.0.2.7', port: 80 },
    });
    expect(ev6.param('addr')).toEqual({ family: 'inet6', address: 'fe80::1:0:0:2', port: 80 });
  });

  it('a Unix socket tuple and address', () => {
    const bytes = encodeSyscallEvent('connect_x', {
      res: 0,
      tuple: { family: 'unix', source: 0xffff_8880_0000_1000n, destination: 0x20n, path: '/run/app.sock' },
      fd: 3,
      addr: { family: 'unix', path: '/run/app.sock' },
    });
    const ev = readSyscallEvent(bytes, 'connect_x');
    expect(ev.param('tuple')).toEqual({
      family: 'unix',
      source: 0xffff_8880_0000_1000n,
      destination: 0x20n,
      path: '/run/app.sock',
    });
    expect(ev.param('addr')).toEqual({ family: 'unix', path: '/run/app.sock' });
  });

  it('clone exit: the child process with its clone flags', () => {
    const bytes = encodeSyscallEvent('clone_x', {
      res: 0,
      exe: '/usr/bin/bash',
      args: ['-c', 'true'],
      tid: 2001,
      pid: 2001,
      ptid: 2000,
      cwd: '/home/me/',
      fdlimit: 1024,
      comm: 'bash',
      cgroups: ['cpuset=/', 'memory=/user.slice'],
      flags: ['CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID'],
      uid: 1000,
      gid: 1000,
      vtid: 2001,
      vpid: 2001,
      pidns_init_start_ts: 0,
    });
    const ev = readSyscallEvent(bytes, 'clone_x');
    expect(ev.param('res')).toBe(0n);
    expect(ev.param('ptid')).toBe(2000n);
    expect(ev.param('fdlimit')).toBe(1024n);
    expect(ev.param('cgroups')).toEqual(['cpuset=/', 'memory=/user.slice']);
    expect(ev.param('flags')).toEqual({
      value: 0x0180_0000,
      names: ['CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID'],
    });
    expect(ev.isEmpty('vm_size')).toBe(true);
  });

  it('async event 402 and plugin event 322 with u32 parameter lengths', () => {
    const data = utf8.encode('{"k":1}');
    const bytes = encodeSyscallEvent('asyncevent_e', { plugin_id: 999, name: 'sample', data }, { tid: -1 });
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(20, true)).toBe(402);
    expect([0, 1, 2].map((i) => view.getUint32(26 + 4 * i, true))).toEqual([4, 7, 7]);
    expect(bytes.length).toBe(26 + 12 + 4 + 7 + 7);
    const ev = readSyscallEvent(bytes, 'asyncevent_e');
    expect(ev.tid).toBe(-1n);
    expect(ev.param('plugin_id')).toBe(999);
    expect(ev.param('name')).toBe('sample');
    expect(Array.from(ev.param('data'))).toEqual(Array.from(data));

    const plugin = encodeSyscallEvent('pluginevent_e', { plugin_id: 0, event_data: data });
    expect(Array.from(plugin.subarray(PLUGIN_EVENT_PAYLOAD_OFFSET))).toEqual(Array.from(data));
    expect(readSyscallEvent(plugin, 'pluginevent_e').param('event_data').length).toBe(7);
  });

  it('a mode with its permission names, an enumeration, and a ptrace dyn parameter as bytes', () => {
    const chmod = readSyscallEvent(
      encodeSyscallEvent('fchmodat_x', { res: 0, dirfd: -100, filename: 'a', mode: 0o4755 }),
      'fchmodat_x',
    );
    expect(chmod.param('mode').names).toEqual([
      'S_IXOTH',
      'S_IROTH',
      'S_IXGRP',
      'S_IRGRP',
      'S_IXUSR',
      'S_IWUSR',
      'S_IRUSR',
      'S_ISUID',
    ]);
    const ptrace = readSyscallEvent(
      encodeSyscallEvent('ptrace_x', {
        res: 0,
        addr: new Uint8Array([0, 1, 2]),
        request: ['PTRACE_ATTACH'],
        pid: 9,
      }),
      'ptrace_x',
    );
    expect(Array.from(ptrace.param('addr'))).toEqual([0, 1, 2]);
    expect(ptrace.param('request')).toEqual({ value: 0xb, names: ['PTRACE_ATTACH'] });
    expect(ptrace.isEmpty('data')).toBe(true);
  });

  it('an fd list (a parameter type of events outside the schema) round-trips and is size-checked', () => {
    const spec = { name: 'fds', type: 'fdlist' } as const;
    const bytes = encodeParam(
      spec,
      [
        { fd: 3, flags: 1 },
        { fd: -1n, flags: 0x20 },
      ],
      'fds',
    );
    expect(bytes.length).toBe(2 + 2 * 10);
    expect(paramProblem('fdlist', bytes)).toBeUndefined();
    expect(decodeParam(spec, bytes, new DataView(bytes.buffer))).toEqual([
      { fd: 3n, flags: 1 },
      { fd: -1n, flags: 0x20 },
    ]);
    expect(paramProblem('fdlist', bytes.subarray(0, 21))).toBe('is 21 bytes, a list of 2 fds is 22');
  });

  it('an unknown event type is readable as raw parameters only', () => {
    const bytes = rawEvent(12, [utf8.encode('/bin/old\0'), new Uint8Array([1, 2])]);
    const ev = readSyscallEvent(bytes);
    expect([ev.key, ev.type, ev.name, ev.paramCount, ev.is('execve_x')]).toEqual([
      undefined,
      12,
      undefined,
      2,
      false,
    ]);
    if (ev.key !== undefined) throw new Error('known');
    expect(Array.from(ev.rawParam(1))).toEqual([1, 2]);
    expect(() => ev.rawParam(2)).toThrow(new Error('syscall event of type 12: no parameter #2 (it has 2)'));
  });
});

describe('malformed events', () => {
  const close = () => encodeSyscallEvent('close_x', { res: 0, fd: 5 }); // 46 bytes

  it('a buffer shorter than the header', () => {
    expect(() => readSyscallEvent(new Uint8Array(10))).toThrow(
      new Error('syscall event: buffer of 10 bytes is shorter than the 26-byte header'),
    );
    expect(() => readSyscallEvent(close().subarray(0, 24))).toThrow(
      new Error('syscall event close_x (type 5): buffer of 24 bytes is shorter than the 26-byte header'),
    );
  });

  it('a len larger than the buffer, or smaller than the header', () => {
    expect(() => readSyscallEvent(close().subarray(0, 45))).toThrow(
      new Error('syscall event close_x (type 5): len 46 is larger than the buffer (45 bytes)'),
    );
    const bytes = close();
    new DataView(bytes.buffer).setUint32(16, 20, true);
    expect(() => readSyscallEvent(bytes)).toThrow(
      new Error('syscall event close_x (type 5): len 20 is smaller than the 26-byte header'),
    );
  });

  it('nparams different from the schema', () => {
    const bytes = close();
    new DataView(bytes.buffer).setUint32(22, 1, true);
    expect(() => readSyscallEvent(bytes)).toThrow(
      new Error('syscall event close_x (type 5): nparams is 1, the schema has 2'),
    );
  });

  it('parameter lengths that run past the event', () => {
    const bytes = close();
    new DataView(bytes.buffer).setUint16(28, 9, true); // fd: 9 bytes, one more than is left
    expect(() => readSyscallEvent(bytes)).toThrow(
      new Error(
        "syscall event close_x (type 5): parameter 'fd' (fd) of 9 bytes at offset 38 runs past the end of the event (len 46)",
      ),
    );
    expect(() => readSyscallEvent(rawEvent(12, [], { nparams: 100 }))).toThrow(
      new Error(
        'syscall event of type 12: the lengths of its 100 parameters (2 bytes each) run past the end of the event (len 26)',
      ),
    );
  });

  it('bytes after the last parameter', () => {
    const bytes = new Uint8Array(48);
    bytes.set(close());
    new DataView(bytes.buffer).setUint32(16, 48, true);
    expect(() => readSyscallEvent(bytes)).toThrow(
      new Error('syscall event close_x (type 5): 2 bytes after the last parameter (len 48)'),
    );
  });

  it('a charbuf without its NUL', () => {
    const bytes = encodeSyscallEvent('unlink_x', { res: 0, path: '/tmp/x' });
    bytes[bytes.length - 1] = 0x41;
    expect(() => readSyscallEvent(bytes)).toThrow(
      new Error("syscall event unlink_x (type 301): parameter 'path' (fspath) is not NUL-terminated"),
    );
  });

  it('a fixed-size parameter of the wrong size', () => {
    const bytes = rawEvent(5, [new Uint8Array(4), le64(5n)]);
    expect(() => readSyscallEvent(bytes)).toThrow(
      new Error("syscall event close_x (type 5): parameter 'res' (errno) is 4 bytes, expected 8"),
    );
  });

  it('a socket tuple of the wrong size for its family', () => {
    const bytes = rawEvent(23, [
      le64(0n),
      new Uint8Array([2, ...new Array<number>(11).fill(0)]),
      le64(3n),
      new Uint8Array(0),
    ]);
    expect(() => readSyscallEvent(bytes)).toThrow(
      new Error(
        "syscall event connect_x (type 23): parameter 'tuple' (socktuple) is 12 bytes, an AF_INET tuple is 13",
      ),
    );
  });

  it('an event of another type than the one asked for', () => {
    expect(() => readSyscallEvent(close(), 'openat_x')).toThrow(
      new Error('syscall event close_x (type 5): expected openat_x (type 307)'),
    );
  });
});

describe('encoder errors', () => {
  it('names the event and the parameter', () => {
    expect(() => encodeSyscallEvent('setuid_x', { res: 0, uid: -1 })).toThrow(
      new Error(
        "syscall event setuid_x (type 199): parameter 'uid' (uid): -1 is not an integer in [0, 4294967295]",
      ),
    );
    expect(() =>
      encodeSyscallEvent('bind_x', { res: 0, addr: { family: 'inet', address: '1.2.3', port: 1 }, fd: 3 }),
    ).toThrow(
      new Error(
        "syscall event bind_x (type 21): parameter 'addr' (sockaddr): '1.2.3' is not an IPv4 address",
      ),
    );
    expect(() => encodeSyscallEvent('close_x', { res: 0, fd: 1n << 64n })).toThrow(
      new Error(
        "syscall event close_x (type 5): parameter 'fd' (fd): 18446744073709551616 is not a signed 64-bit integer",
      ),
    );
    const loose = { res: 0, nope: 1 } as unknown as { res: number };
    expect(() => encodeSyscallEvent('close_x', loose)).toThrow(
      new Error("syscall event close_x (type 5): no parameter 'nope'"),
    );
  });

  it('a parameter longer than a u16 length holds', () => {
    expect(() =>
      encodeSyscallEvent('write_x', { res: 0, data: new Uint8Array(70000), fd: 1, size: 70000 }),
    ).toThrow(
      new Error(
        "syscall event write_x (type 9): parameter 'data' is 70000 bytes, more than a 16-bit length holds",
      ),
    );
  });
});

describe('typing', () => {
  it('types parameters by the schema', () => {
    const ev = readSyscallEvent(encodeSyscallEvent('openat_x', { fd: 3, name: 'x', flags: 0 }), 'openat_x');
    const fd: bigint = ev.param('fd');
    const name: string = ev.param('name');
    const flagNames: readonly (typeof OPEN_FLAGS)[number][0][] = ev.param('flags').names;
    const dev: number | undefined = ev.paramOrUndefined('dev');
    expect([fd, name, flagNames, dev]).toEqual([3n, 'x', ['O_NONE'], undefined]);
    const names: SyscallParamName<'close_x'>[] = ['res', 'fd'];
    expect(names).toHaveLength(2);

    // @ts-expect-error: openat_x has no parameter 'nope'
    expect(() => ev.param('nope')).toThrow("syscall event openat_x (type 307): no parameter 'nope'");
    // @ts-expect-error: fd is a bigint
    const wrong: string = ev.param('fd');
    expect(wrong).toBe(3n);
    // @ts-expect-error: an empty parameter reads as undefined
    const maybe: number = ev.paramOrUndefined('dev');
    expect(maybe).toBeUndefined();
  });

  it('narrows the union by key', () => {
    const ev = readSyscallEvent(
      encodeSyscallEvent('accept4_x', {
        fd: 5,
        tuple: {
          family: 'inet',
          source: { address: '1.1.1.1', port: 1 },
          destination: { address: '2.2.2.2', port: 2 },
        },
      }),
    );
    if (ev.key === 'accept4_x') {
      const tuple: SocketTuple = ev.param('tuple');
      expect(tuple.family).toBe('inet');
    } else {
      throw new Error(`read ${String(ev.key)}`);
    }
    if (ev.is('close_x')) throw new Error('not close_x');
  });

  it('rejects wrong inputs at compile time', () => {
    const compileOnly = () => {
      // @ts-expect-error: no such flag name
      encodeSyscallEvent('openat_x', { flags: ['O_BOGUS'] });
      // @ts-expect-error: no such event
      encodeSyscallEvent('openat_y', {});
      // @ts-expect-error: name is a string
      encodeSyscallEvent('openat_x', { name: 5 });
    };
    expect(typeof compileOnly).toBe('function');
  });
});
