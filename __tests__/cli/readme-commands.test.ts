/** The README's commands for the SDK checkout, run as written (after `npm run setup`). */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { withBuildLock } from '../native/build-native';

const repo = path.resolve(__dirname, '../..');

function shell(command: string) {
  return spawnSync('sh', ['-c', command], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
}

describe("the README's commands in the checkout", () => {
  jest.setTimeout(300_000);

  it('npx falco-plugin runs the built CLI', () => {
    const r = shell('npx falco-plugin --help');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: falco-plugin <command>');
  });

  it('npm run dummy builds the dummy and prints its 10 events', () => {
    let r = shell('true');
    withBuildLock(() => {
      r = shell('npm run --silent dummy');
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.map((l) => (JSON.parse(l) as Record<string, unknown>)['dummy.value'])).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });
});
