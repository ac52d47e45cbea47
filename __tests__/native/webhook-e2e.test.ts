/**
 * The webhook example built into a plugin library and run by the native host: events POSTed over
 * loopback while the host runs come out as events with their extracted fields.
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { buildPluginLayer, buildTsPlugin, hostPath, jsonLines, repoRoot } from './build-native';

let library = '';
const token = 'a-shared-secret-of-enough-length';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function post(port: number, body: string, auth = `Bearer ${token}`): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/events',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  buildPluginLayer();
  library = await buildTsPlugin(path.join(repoRoot, 'examples/webhook/webhook.ts'), 'webhook');
}, 600_000);

it('delivers POSTed events through the native host with extracted fields', async () => {
  const port = await freePort();
  const config = JSON.stringify({ port, auth: { type: 'token', token } });
  const count = 50;
  const host = spawn(
    hostPath,
    [
      'run',
      library,
      '--config',
      config,
      '--fields',
      'webhook.value[/user],webhook.value[/n],webhook.keys,webhook.size',
      '--max-events',
      String(count),
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  host.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const listening = new Promise<void>((resolve) => {
    host.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('webhook listening on')) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => host.on('exit', (code) => resolve(code)));
  await listening;
  expect(await post(port, '{"user":"mallory"}', 'Bearer wrong-token-wrong-token')).toBe(403);
  expect(await post(port, '{"user":"mallory"}', '')).toBe(401);
  const statuses: number[] = [];
  for (let n = 1; n <= count; n++) statuses.push(await post(port, JSON.stringify({ user: `user-${n}`, n })));
  expect(statuses).toEqual(Array(count).fill(200));
  expect(await exited).toBe(0);
  const rows = jsonLines(stdout);
  expect(rows).toHaveLength(count);
  expect(rows.map((r) => r['webhook.value[/user]'])).toEqual(
    Array.from({ length: count }, (_, i) => `user-${i + 1}`),
  );
  expect(rows.map((r) => r['webhook.value[/n]'])).toEqual(
    Array.from({ length: count }, (_, i) => String(i + 1)),
  );
  expect(rows[0]['webhook.keys']).toEqual(['user', 'n']);
  expect(rows[0]['webhook.size']).toBe(JSON.stringify({ user: 'user-1', n: 1 }).length);
  expect(rows[0]['evt.plugininfo']).toBe('{"user":"user-1","n":1}');
}, 120_000);
