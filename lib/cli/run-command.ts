import { spawn } from 'node:child_process';
import { loadPlatform } from './platform';

/**
 * `falco-plugin run <lib.so> …` (and `info <lib.so>`): runs the prebuilt native test host with the given
 * arguments, its output and exit status passed through.
 */
export function runNativeHost(args: readonly string[]): Promise<number> {
  const { host } = loadPlatform();
  return new Promise((resolve, reject) => {
    const child = spawn(host, args[0] === '--help' || args[0] === 'info' ? args : ['run', ...args], {
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
