/**
 * The webhook example built into a plugin library and run by the native host: events POSTed over
 * loopback while the host runs come out as events with their extracted fields; a SIGINT under load answers
 * 200 exactly the requests whose events the host printed; a flood of idle connections does not exhaust the
 * host's 1,024 descriptors; trickling senders are cut off while a good client is served.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { buildPluginLayer, buildTsPlugin, freePort, hostPath, jsonLines, repoRoot } from './build-native';

let library = '';
const token = 'a-shared-secret-of-enough-length';
const bearer = `Bearer ${token}`;

/** An HTTP answer: its status and body. */
interface Answer {
  readonly status: number;
  readonly body: string;
}

function post(
  port: number,
  body: string,
  options: { auth?: string; agent?: Agent; timeoutMs?: number } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/events',
        method: 'POST',
        agent: options.agent,
        headers: { 'content-type': 'application/json', authorization: options.auth ?? bearer },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within the timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A running host: its output so far, and how it ended. */
interface Host {
  readonly child: ChildProcessWithoutNullStreams;
  readonly listening: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

/** Starts the host on the webhook library; with `fdLimit`, under `ulimit -n` (soft and hard). */
function startHost(config: object, fields: string, extra: { fdLimit?: number; args?: string[] } = {}): Host {
  const args = ['run', library, '--config', JSON.stringify(config), '--fields', fields, '--json'];
  args.push(...(extra.args ?? []));
  const child =
    extra.fdLimit === undefined
      ? spawn(hostPath, args, { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('sh', ['-c', `ulimit -n ${extra.fdLimit} && exec "$0" "$@"`, hostPath, ...args], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const listening = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('webhook listening on')) resolve();
    });
    child.on('exit', () => reject(new Error(`the host exited before listening:\n${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, listening, exited, stdout: () => stdout, stderr: () => stderr };
}

/** The host's log lines that are not info or warning (fatal, critical, error, the host's own errors). */
function alarming(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && !/^\[webhook\] (info|warning|notice|debug): /.test(line));
}

/** Waits until a condition holds, checking every few milliseconds. */
async function until(condition: () => boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The counters line the example logs at close. */
function closedLine(stderr: string): Record<string, number> {
  const match =
    /webhook closed: (\d+) requests, (\d+) accepted, (\d+) rejected, (\d+) events, (\d+) dropped at close/.exec(
      stderr,
    );
  if (!match) throw new Error(`no counters line in:\n${stderr}`);
  const [received, accepted, rejected, queued, dropped] = match.slice(1).map(Number);
  return { received, accepted, rejected, queued, dropped };
}

const hosts: Host[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) {
    if (host.child.exitCode === null && host.child.signalCode === null) {
      host.child.kill('SIGKILL');
      await host.exited;
    }
  }
});

beforeAll(async () => {
  buildPluginLayer();
  library = await buildTsPlugin(path.join(repoRoot, 'examples/webhook/webhook.ts'), 'webhook');
}, 600_000);

it('delivers POSTed events through the native host with extracted fields', async () => {
  const port = await freePort();
  const count = 50;
  const host = startHost(
    { port, auth: { type: 'token', token } },
    'webhook.value[/user],webhook.value[/n],webhook.keys,webhook.size',
    { args: ['--max-events', String(count), '--metrics'] },
  );
  hosts.push(host);
  await host.listening;
  expect((await post(port, '{"user":"mallory"}', { auth: 'Bearer wrong-token-wrong-token' })).status).toBe(
    403,
  );
  expect((await post(port, '{"user":"mallory"}', { auth: '' })).status).toBe(401);
  const statuses: number[] = [];
  for (let n = 1; n <= count; n++) {
    statuses.push((await post(port, JSON.stringify({ user: `user-${n}`, n }))).status);
  }
  expect(statuses).toEqual(Array(count).fill(200));
  expect(await host.exited).toEqual({ code: 0, signal: null });
  const rows = jsonLines(host.stdout());
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
  // the webhook's counters, as the host reads them at the end of the capture
  const metrics = host
    .stderr()
    .split('\n')
    .filter((line) => line.startsWith('metric webhook.webhook_'));
  expect(metrics).toEqual(
    expect.arrayContaining([
      `metric webhook.webhook_requests_received monotonic u64 ${count + 2}`,
      `metric webhook.webhook_requests_accepted monotonic u64 ${count}`,
      'metric webhook.webhook_requests_rejected monotonic u64 2',
      `metric webhook.webhook_events_queued monotonic u64 ${count}`,
    ]),
  );
}, 120_000);

describe('SIGINT under load', () => {
  const REQUESTS = 2000;
  const CLIENTS = 24;
  const SIGINT_AFTER = 800; // 200 answers

  it(`${REQUESTS} POSTs from ${CLIENTS} keep-alive clients, SIGINT mid-way: the 200 answers are exactly the events the host printed`, async () => {
    const port = await freePort();
    // batchSize 1: the host stops between two events, so every event it took is also printed
    const host = startHost({ port, auth: { type: 'token', token }, batchSize: 1 }, 'webhook.value[/seq]');
    hosts.push(host);
    await host.listening;

    const answers = new Map<number, Answer>();
    const errors: { seq: number; code: string }[] = [];
    let next = 0;
    let ok = 0;
    let interrupted = false;
    const client = async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (next < REQUESTS) {
          const seq = next++;
          let answer: Answer;
          try {
            answer = await post(port, JSON.stringify({ seq }), { agent });
          } catch (err) {
            const e = err as NodeJS.ErrnoException;
            errors.push({ seq, code: e.code ?? e.message });
            return;
          }
          answers.set(seq, answer);
          if (answer.status !== 200) return; // a sender backs off when the source is closing
          if (++ok >= SIGINT_AFTER && !interrupted) {
            interrupted = true;
            host.child.kill('SIGINT');
          }
        }
      } finally {
        agent.destroy();
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    expect(await host.exited).toEqual({ code: 0, signal: null });

    // a request refused on connect (the port closed) never reached the host; nothing was cut mid-request
    expect(errors.filter((e) => e.code !== 'ECONNREFUSED')).toEqual([]);
    const statusOf = [...answers.values()].map((a) => a.status);
    expect(statusOf.filter((s) => s !== 200 && s !== 503 && s !== 429)).toEqual([]);
    const answered200 = [...answers].filter(([, a]) => a.status === 200).map(([seq]) => seq);
    const printed = jsonLines(host.stdout()).map((row) => Number(row['webhook.value[/seq]']));
    expect(printed).toHaveLength(answered200.length); // exactly: no event answered 200 and lost
    expect(new Set(printed)).toEqual(new Set(answered200)); // and none printed without its 200
    expect(printed).toHaveLength(new Set(printed).size);
    expect(answered200.length).toBeGreaterThanOrEqual(SIGINT_AFTER);
    expect(answered200.length).toBeLessThan(REQUESTS); // the SIGINT came mid-way

    const counters = closedLine(host.stderr());
    expect(counters).toMatchObject({ received: answers.size, accepted: answered200.length });
    expect(counters.rejected).toBe(answers.size - answered200.length);
    expect(counters.queued).toBe(answered200.length + counters.dropped);
    const dropped503 = [...answers.values()].filter((a) => a.status === 503 && a.body.includes('"events"'));
    expect(dropped503).toHaveLength(counters.dropped); // single-event requests: one per dropped event
    if (counters.dropped > 0) {
      expect(host.stderr()).toContain(`[webhook] warning: webhook: the host closed the source with`);
    }
    expect(alarming(host.stderr())).toEqual([]);
  }, 60_000);
});

describe('descriptors', () => {
  it('1,100 idle connections to a host with 1,024 descriptors: a good client is still served, nothing fatal, exit 0 on SIGINT', async () => {
    const port = await freePort();
    const timeouts = { headersTimeout: 2000, requestTimeout: 4000 };
    const host = startHost({ port, auth: { type: 'token', token }, ...timeouts }, 'webhook.value[/good]', {
      fdLimit: 1024,
    });
    hosts.push(host);
    await host.listening;
    const pid = host.child.pid as number;
    expect(readFileSync(`/proc/${pid}/limits`, 'utf8')).toMatch(/Max open files\s+1024\s+1024/);
    const openFds = () => readdirSync(`/proc/${pid}/fd`).length;
    const baseline = openFds();
    let peakFds = baseline;
    const sampler = setInterval(() => (peakFds = Math.max(peakFds, openFds())), 20);

    const idle: Socket[] = [];
    const ends: string[] = [];
    let settled = 0;
    try {
      for (let i = 0; i < 1100; i++) {
        const socket = connect({ host: '127.0.0.1', port });
        let done = false;
        const settle = () => {
          if (!done) settled++;
          done = true;
        };
        socket.once('connect', settle);
        socket.on('error', (err: NodeJS.ErrnoException) => ends.push(err.code ?? err.message));
        socket.once('close', settle);
        idle.push(socket);
      }
      await until(() => settled === idle.length, 'every idle connection to connect or close');

      const started = Date.now();
      let good: Answer | undefined;
      const refusals: string[] = [];
      while (good === undefined || good.status !== 200) {
        if (Date.now() - started > 15_000) throw new Error(`not served: ${refusals.join(', ')}`);
        try {
          good = await post(port, '{"good":true}', { timeoutMs: 5000 });
          if (good.status !== 200) refusals.push(String(good.status));
        } catch (err) {
          refusals.push((err as NodeJS.ErrnoException).code ?? (err as Error).message);
        }
        if (good?.status !== 200) await pause(200);
      }
      const servedMs = Date.now() - started;
      expect(good).toMatchObject({ status: 200, body: '{"delivered":1}' });
      // the idle connections hold every slot until headersTimeout cuts them off; then the client is served
      expect(servedMs).toBeLessThan(timeouts.headersTimeout + 4000);
      expect(refusals.every((r) => ['503', 'ECONNRESET', 'socket hang up'].includes(r))).toBe(true);
      // maxConnections (256) + the 64 connections given a grace + the runtime's own, far below 1,024
      expect(peakFds).toBeLessThan(baseline + 256 + 64 + 16);
    } finally {
      clearInterval(sampler);
      for (const socket of idle) socket.destroy();
    }
    host.child.kill('SIGINT');
    expect(await host.exited).toEqual({ code: 0, signal: null });
    expect(jsonLines(host.stdout()).map((row) => row['webhook.value[/good]'])).toEqual(['true']);
    expect(alarming(host.stderr())).toEqual([]);
    expect(host.stderr()).not.toMatch(/EMFILE|too many open files|uncaught/i);
    expect(ends.filter((code) => code !== 'ECONNRESET')).toEqual([]); // idle ones are closed, nothing else
  }, 60_000);
});

describe('slow senders', () => {
  it('cuts off a header trickle at headersTimeout and a body trickle at requestTimeout while a good client is served', async () => {
    const port = await freePort();
    const timeouts = { headersTimeout: 1000, requestTimeout: 2000 };
    const host = startHost({ port, auth: { type: 'token', token }, ...timeouts }, 'webhook.value[/good]');
    hosts.push(host);
    await host.listening;

    /** A raw connection writing `head` and then one byte of `drip` every 200 ms until the server closes it. */
    const trickle = (head: string, drip: string) =>
      new Promise<{ ms: number; status?: number; error?: string }>((resolve) => {
        const started = Date.now();
        const socket = connect({ host: '127.0.0.1', port });
        let text = '';
        let error: string | undefined;
        let at = 0;
        const timer = setInterval(() => {
          if (!socket.destroyed) socket.write(drip[at++ % drip.length]);
        }, 200);
        socket.on('connect', () => socket.write(head));
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
        socket.on('close', () => {
          clearInterval(timer);
          const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
          resolve({
            ms: Date.now() - started,
            ...(match ? { status: Number(match[1]) } : {}),
            ...(error === undefined ? {} : { error }),
          });
        });
      });
    const headers = trickle('POST /events HTTP/1.1\r\nhost: x\r\n', 'x-pad: 1\r\n');
    const body = trickle(
      'POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n' +
        `authorization: ${bearer}\r\n\r\n{`,
      ' ',
    );
    let goodServed = 0;
    let trickling = true;
    const good = (async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let n = 0; trickling; n++) {
          const answer = await post(port, JSON.stringify({ good: n }), { agent, timeoutMs: 5000 });
          expect(answer).toEqual({ status: 200, body: '{"delivered":1}' });
          goodServed++;
          await pause(100);
        }
      } finally {
        agent.destroy();
      }
    })();
    const [h, b] = await Promise.all([headers, body]);
    trickling = false;
    await good;

    // cut off within the timeout plus the server's check interval and a margin
    expect(h.status === 408 || h.status === undefined).toBe(true);
    expect(b.status === 408 || b.status === undefined).toBe(true);
    expect(h.ms).toBeGreaterThanOrEqual(timeouts.headersTimeout - 50);
    expect(h.ms).toBeLessThan(timeouts.headersTimeout + 1500);
    expect(b.ms).toBeGreaterThanOrEqual(timeouts.headersTimeout);
    expect(b.ms).toBeLessThan(timeouts.requestTimeout + 1500);
    expect(goodServed).toBeGreaterThanOrEqual(5); // served all along

    host.child.kill('SIGINT');
    expect(await host.exited).toEqual({ code: 0, signal: null });
    const printed = jsonLines(host.stdout()).map((row) => Number(row['webhook.value[/good]']));
    expect(printed).toEqual(Array.from({ length: goodServed }, (_, i) => i));
    expect(alarming(host.stderr())).toEqual([]);
  }, 60_000);
});
