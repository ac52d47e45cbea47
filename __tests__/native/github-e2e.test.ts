/**
 * examples/github built into a library and run by the native host: a GitHub-signed delivery POSTed over
 * loopback comes out as an event with its fields; a forged one is refused and never becomes an event.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { send } from '../prebuilts/helpers/http-client';
import { buildTsPlugin, freePort, hostPath, jsonLines, repoRoot } from './build-native';

const SECRET = 'a-github-webhook-secret';
let library = '';

beforeAll(async () => {
  library = await buildTsPlugin(path.join(repoRoot, 'examples/github/github.ts'), 'github');
}, 600_000);

const signed = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

test('a signed delivery becomes an event with its fields; a forged one does not', async () => {
  const port = await freePort();
  const child = spawn(hostPath, [
    'run',
    library,
    '--config',
    JSON.stringify({ secret: SECRET, port }),
    '--fields',
    'github.event,github.action,github.repo,github.sender',
    '--json',
    '--max-events',
    '1',
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.includes('github webhook listening on')) resolve();
    });
    child.on('exit', () => reject(new Error(`the host exited before listening:\n${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}/github`;
  const forged = JSON.stringify({ action: 'deleted', repository: { full_name: 'acme/x' } });
  expect(
    (
      await send(url, forged, {
        headers: {
          'x-hub-signature-256': signed(forged, 'not-the-secret-at-all'),
          'x-github-event': 'repository',
        },
      })
    ).status,
  ).toBe(403);
  const body = JSON.stringify({
    action: 'added',
    repository: { full_name: 'acme/app' },
    sender: { login: 'eve' },
  });
  const answer = await send(url, body, {
    headers: { 'x-hub-signature-256': signed(body), 'x-github-event': 'member', 'x-github-delivery': 'd-9' },
  });
  expect(answer.status).toBe(200);
  expect(await exited).toBe(0);
  expect(
    jsonLines(stdout).map((r) => [
      r['github.event'],
      r['github.action'],
      r['github.repo'],
      r['github.sender'],
    ]),
  ).toEqual([['member', 'added', 'acme/app', 'eve']]);
}, 120_000);
