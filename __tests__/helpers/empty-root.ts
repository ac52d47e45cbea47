/*
 * A root file system that holds nothing but glibc, the native test host and a plugin artifact: what a
 * Falco host with no libnode (and no Node.js files) has. Commands run in it with chroot in a private
 * mount and PID namespace (root only), with /proc mounted (the runtime reads its files through
 * /proc/self/fd).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** glibc's files, as the loader and the host need them. */
const GLIBC_FILES = [
  '/lib64/ld-linux-x86-64.so.2',
  '/lib/x86_64-linux-gnu/libc.so.6',
  '/lib/x86_64-linux-gnu/libm.so.6',
];

/** True when this process may build and enter such a root (root, with unshare and chroot). */
export function canUseEmptyRoot(): boolean {
  return process.getuid?.() === 0 && spawnSync('unshare', ['--version']).status === 0;
}

export class EmptyRoot {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'falco-empty-root-'));

  /** Places the host binary at /bin/falco-plugin-host and the artifact folder's content in /plugins. */
  constructor(host: string, artifact: string) {
    for (const file of GLIBC_FILES) {
      const to = path.join(this.dir, file);
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(file, to, { dereference: true });
    }
    mkdirSync(path.join(this.dir, 'proc'));
    mkdirSync(path.join(this.dir, 'bin'));
    cpSync(host, path.join(this.dir, 'bin', 'falco-plugin-host'));
    cpSync(artifact, path.join(this.dir, 'plugins'), { recursive: true });
  }

  /** Runs the host inside the root with the given arguments. */
  host(args: readonly string[], timeoutMs = 120_000): SpawnSyncReturns<string> {
    return spawnSync(
      'unshare',
      [
        '--mount',
        '--pid',
        '--fork',
        `--mount-proc=${path.join(this.dir, 'proc')}`,
        'chroot',
        this.dir,
        '/bin/falco-plugin-host',
        ...args,
      ],
      { encoding: 'utf8', timeout: timeoutMs, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } },
    );
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
