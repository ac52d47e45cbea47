/* The webhook source over loopback: every answer, auth, limits, content types, counters, TLS, close. */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EOF } from 'falco-plugin-sdk';
import {
  githubWebhookConfig,
  openWebhookSource,
  PushQueue,
  type WebhookConfigInput,
  type WebhookSource,
  type WebhookSourceOptions,
} from 'falco-plugin-sdk/prebuilts';
import { WebhookCounterSet } from '../../prebuilts/webhook/webhook-counters';
import { parseWebhookConfig } from '../../prebuilts/webhook/webhook-config';
import { bodyAsEvent, WebhookServer } from '../../prebuilts/webhook/webhook-server';
import { TestBatch } from './helpers/batches';
import { collectTexts } from './helpers/drain';
import { keepAliveAgent, send } from './helpers/http-client';

const fixtures = join(__dirname, 'fixtures');
const TOKEN = 'a-shared-token-0123456789';
const SECRET = 'an-hmac-secret-0123456789';

const open: WebhookSource[] = [];
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };
/** A source on a free port; answers come when events are queued (these tests POST before consuming). */
async function start(config: WebhookConfigInput = {}, options: WebhookSourceOptions = {}) {
  const source = await openWebhookSource(
    { port: 0, acknowledge: 'queued', ...config },
    { logger, ...options },
  );
  open.push(source);
  return source;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  warnings.splice(0);
});

describe('webhook source: accepted requests', () => {
  it('answers 200 only once the event is queued, with the body as payload and its arrival as timestamp', async () => {
    const source = await start();
    const before = BigInt(Date.now()) * 1_000_000n;
    const answer = await send(source.url, '{"user":"alice","action":"login"}');
    const after = BigInt(Date.now()) * 1_000_000n;
    expect(answer).toMatchObject({ status: 200, json: { queued: 1 } });
    expect(source.stats.bufferedEvents).toBe(1); // queued before the answer was sent
    expect(source.counters).toMatchObject({ received: 1, accepted: 1, rejected: 0, queued: 1 });
    const batch = new TestBatch(source.batchOptions);
    await source.nextBatch(batch.reset());
    expect(batch.texts()).toEqual(['{"user":"alice","action":"login"}']);
    const [ts] = batch.timestamps();
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(after);
  });

  it('uses the configured listen address, path and media types', async () => {
    const source = await start({
      path: '/hooks/saas',
      contentTypes: ['application/cloudevents+json', 'text/plain'],
    });
    expect(source.url).toBe(`http://127.0.0.1:${source.port}/hooks/saas`);
    const json = await send(source.url, '{"specversion":"1.0"}', {
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    });
    expect(json.status).toBe(200);
    const text = await send(source.url, 'plain text is not parsed', {
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(200);
    expect(await collectTexts(source, 2)).toEqual(['{"specversion":"1.0"}', 'plain text is not parsed']);
  });

  it('splits a body into several events with toEvents, all or none', async () => {
    const source = await start(
      { maxQueue: 4 },
      {
        toEvents: (body, request) =>
          (JSON.parse(body.toString()) as unknown[]).map((item) => ({
            data: JSON.stringify(item),
            timestamp: request.receivedAt,
          })),
      },
    );
    expect(await send(source.url, '[{"a":1},{"a":2},{"a":3}]')).toMatchObject({
      status: 200,
      json: { queued: 3 },
    });
    const refused = await send(source.url, '[{"b":1},{"b":2}]');
    expect(refused).toMatchObject({ status: 429 });
    expect(source.stats.bufferedEvents).toBe(3); // nothing of the refused request was queued
    expect(await send(source.url, '[]')).toMatchObject({ status: 200, json: { queued: 0 } });
    expect(await collectTexts(source, 3)).toEqual(['{"a":1}', '{"a":2}', '{"a":3}']);
    expect(source.counters).toMatchObject({ accepted: 2, queued: 3, rejected: 1 });
  });

  it('answers 400 with the message of a toEvents that throws, 500 for one that returns no events', async () => {
    const throwing = await start(
      {},
      {
        toEvents: () => {
          throw new Error('missing "items"');
        },
      },
    );
    expect(await send(throwing.url, '{}')).toMatchObject({
      status: 400,
      json: { error: 'the body was refused: missing "items"' },
    });
    const broken = await start({}, { toEvents: () => [{ nope: true }] as never });
    expect(await send(broken.url, '{}')).toMatchObject({
      status: 500,
      json: {
        error:
          'internal error: toEvents must return an event {data, timestamp?} or an array of them, got object {"nope":true}',
      },
    });
    expect(broken.counters.rejections.internalError).toBe(1);
  });
});

describe('webhook source: refusals', () => {
  it('404 for another path, 405 for another method', async () => {
    const source = await start();
    const base = source.url.replace('/events', '');
    expect(await send(`${base}/other`, '{}')).toMatchObject({
      status: 404,
      json: { error: 'no webhook at /other; POST events to /events' },
    });
    const get = await send(source.url, undefined, { method: 'GET' });
    expect(get).toMatchObject({
      status: 405,
      json: { error: 'method GET is not allowed; POST events to /events' },
    });
    expect(get.headers.allow).toBe('POST');
    expect(await send(`${source.url}?x=1`, '{}')).toMatchObject({ status: 200 });
  });

  it('415 for a missing or unsupported Content-Type, 400 for bad JSON or an empty body', async () => {
    const source = await start();
    expect(await send(source.url, '{}', { headers: { 'content-type': '' } })).toMatchObject({
      status: 415,
      json: { error: 'missing Content-Type; expected application/json' },
    });
    expect(
      await send(source.url, 'a=1', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    ).toMatchObject({
      status: 415,
      json: {
        error: 'unsupported Content-Type application/x-www-form-urlencoded; expected application/json',
      },
    });
    const bad = await send(source.url, '{"user":');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/^the body is not valid JSON: /);
    expect(await send(source.url, '')).toMatchObject({
      status: 400,
      json: { error: 'empty request body: one event per request' },
    });
    expect(source.counters.rejections).toMatchObject({ unsupportedMediaType: 2, badRequest: 2 });
    expect(source.stats.bufferedEvents).toBe(0);
  });

  it('413 for a body over maxBodyBytes, declared or streamed', async () => {
    const source = await start({ maxBodyBytes: 1000 });
    const big = JSON.stringify({ pad: 'x'.repeat(1500) });
    expect(await send(source.url, big)).toMatchObject({
      status: 413,
      json: { error: `request body of ${big.length} bytes exceeds the limit of 1000 bytes` },
    });
    expect(await send(source.url, big, { chunked: true })).toMatchObject({
      status: 413,
      json: { error: 'request body of more than 1000 bytes exceeds the limit of 1000 bytes' },
    });
    const fits = JSON.stringify({ pad: 'x'.repeat(980) });
    expect(fits.length).toBe(990);
    expect(await send(source.url, fits, { chunked: true })).toMatchObject({ status: 200 });
    expect(source.counters.rejections.payloadTooLarge).toBe(2);
    expect(source.batchOptions.maxEventSize).toBe(1000); // events always fit a batch
  });

  it('429 with Retry-After when the queue is full, never a silent drop; accepted again once drained', async () => {
    const source = await start({ maxQueue: 2 });
    expect((await send(source.url, '{"n":1}')).status).toBe(200);
    expect((await send(source.url, '{"n":2}')).status).toBe(200);
    const full = await send(source.url, '{"n":3}');
    expect(full).toMatchObject({
      status: 429,
      json: { error: 'the event queue is full (2 events wait for the host); retry later' },
    });
    expect(full.headers['retry-after']).toBe('1');
    expect(await collectTexts(source, 2)).toEqual(['{"n":1}', '{"n":2}']);
    expect((await send(source.url, '{"n":3}')).status).toBe(200);
    expect(await collectTexts(source, 1)).toEqual(['{"n":3}']);
    expect(source.counters).toEqual({
      received: 4,
      accepted: 3,
      rejected: 1,
      queued: 3,
      droppedAtClose: 0,
      duplicates: 0,
      refusedConnections: 0,
      rejections: expect.objectContaining({ queueFull: 1 }),
    });
  });

  it('503 when the source has ended but a request still reaches the server', async () => {
    const queue = new PushQueue({ capacity: 4 });
    const counters = new WebhookCounterSet();
    const server = new WebhookServer(parseWebhookConfig({ port: 0 }), queue, counters, bodyAsEvent);
    await server.listen();
    queue.end();
    try {
      expect(await send(server.url, '{}')).toMatchObject({
        status: 503,
        json: { error: 'the webhook source is closed' },
      });
      expect(counters.snapshot().rejections.unavailable).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('webhook source: authentication', () => {
  it('token in Authorization: Bearer: 401 when missing or malformed, 403 when wrong', async () => {
    const source = await start({ auth: { type: 'token', token: TOKEN } });
    const missing = await send(source.url, '{}');
    expect(missing).toMatchObject({
      status: 401,
      json: { error: 'missing Authorization: Bearer <token> header' },
    });
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(await send(source.url, '{}', { headers: { authorization: `Basic ${TOKEN}` } })).toMatchObject({
      status: 401,
      json: { error: 'the Authorization header must be "Bearer <token>"' },
    });
    expect(
      await send(source.url, '{}', { headers: { authorization: 'Bearer wrong-token-0123456789' } }),
    ).toMatchObject({
      status: 403,
      json: { error: 'invalid token' },
    });
    expect(await send(source.url, '{}', { headers: { authorization: `Bearer ${TOKEN}` } })).toMatchObject({
      status: 200,
    });
    expect(source.counters).toMatchObject({
      received: 4,
      accepted: 1,
      rejected: 3,
      rejections: { unauthorized: 2, forbidden: 1 },
    });
  });

  it('token in a custom header', async () => {
    const source = await start({ auth: { type: 'token', token: TOKEN, header: 'X-Webhook-Token' } });
    expect(await send(source.url, '{}')).toMatchObject({
      status: 401,
      json: { error: 'missing x-webhook-token header' },
    });
    expect(await send(source.url, '{}', { headers: { 'x-webhook-token': 'nope' } })).toMatchObject({
      status: 403,
    });
    expect(await send(source.url, '{}', { headers: { 'x-webhook-token': TOKEN } })).toMatchObject({
      status: 200,
    });
  });

  it('HMAC signature of the exact body: 401 when missing, 403 when wrong, with or without the sha256= prefix', async () => {
    const source = await start({ auth: { type: 'hmac', secret: SECRET } });
    const body = '{"event":"push"}';
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(await send(source.url, body)).toMatchObject({
      status: 401,
      json: { error: 'missing x-signature-256 header with the HMAC-SHA256 of the body' },
    });
    expect(
      await send(source.url, `${body} `, { headers: { 'x-signature-256': `sha256=${signature}` } }),
    ).toMatchObject({
      status: 403,
      json: { error: 'invalid x-signature-256 signature' },
    });
    expect(
      await send(source.url, body, { headers: { 'x-signature-256': `sha256=${signature}` } }),
    ).toMatchObject({ status: 200 });
    expect(
      await send(source.url, body, { headers: { 'x-signature-256': signature.toUpperCase() } }),
    ).toMatchObject({ status: 200 });
  });

  it('HMAC-SHA512 in a GitHub-style header', async () => {
    const source = await start({
      auth: { type: 'hmac', secret: SECRET, algorithm: 'sha512', header: 'X-Hub-Signature-512' },
    });
    const body = '{"zen":"Keep it logically awesome."}';
    const signature = createHmac('sha512', SECRET).update(body).digest('hex');
    expect(
      await send(source.url, body, { headers: { 'x-hub-signature-512': `sha512=${signature}` } }),
    ).toMatchObject({ status: 200 });
  });
});

describe('webhook source: GitHub preset, kept headers, parsed JSON', () => {
  const github = (body: string, event: string, delivery: string, secret = SECRET) => ({
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    'x-github-event': event,
    'x-github-delivery': delivery,
  });

  it('githubWebhookConfig: signed as GitHub signs, the event and delivery headers carried with the body', async () => {
    const source = await start(githubWebhookConfig(SECRET, { acknowledge: 'queued' }));
    const body = '{"zen":"Keep it logically awesome.","hook_id":7}';
    expect(await send(source.url, body, { headers: github(body, 'ping', 'd-1') })).toMatchObject({
      status: 200,
    });
    // a retry of the same delivery is not queued again
    expect(await send(source.url, body, { headers: github(body, 'ping', 'd-1') })).toMatchObject({
      status: 200,
      json: { queued: 0, duplicate: true },
    });
    expect(
      await send(source.url, body, {
        headers: { ...github(body, 'ping', 'd-2', 'another-secret-of-16-chars') },
      }),
    ).toMatchObject({ status: 403, json: { error: 'invalid x-hub-signature-256 signature' } });
    const [event] = await collectTexts(source, 1);
    expect(JSON.parse(event)).toEqual({
      headers: { 'x-github-event': 'ping', 'x-github-delivery': 'd-1' },
      body: { zen: 'Keep it logically awesome.', hook_id: 7 },
    });
  });

  it('keepHeaders: a header the request lacks is null; a body that is not JSON is carried as text', async () => {
    const source = await start({ keepHeaders: ['X-Request-Id', 'x-missing'], contentTypes: ['text/plain'] });
    const answer = await send(source.url, 'plain text', {
      headers: { 'content-type': 'text/plain', 'x-request-id': 'r-9' },
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse((await collectTexts(source, 1))[0])).toEqual({
      headers: { 'x-request-id': 'r-9', 'x-missing': null },
      body: 'plain text',
    });
  });

  it('toEvents gets the JSON body parsed once, and undefined for other media types', async () => {
    const seen: unknown[] = [];
    const source = await start(
      { contentTypes: ['application/json', 'text/plain'] },
      {
        toEvents: (body, request) => {
          seen.push(request.json);
          return { data: body };
        },
      },
    );
    await send(source.url, '{"a":[1,2]}');
    await send(source.url, 'x', { headers: { 'content-type': 'text/plain' } });
    expect(seen).toEqual([{ a: [1, 2] }, undefined]);
  });
});

describe('webhook source: TLS, lifecycle and configuration', () => {
  it('serves HTTPS with the configured certificate and key', async () => {
    const source = await start({
      tls: { certFile: join(fixtures, 'test-only-cert.pem'), keyFile: join(fixtures, 'test-only-key.pem') },
    });
    expect(source.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/events$/);
    const answer = await send(source.url, '{"secure":true}', {
      ca: readFileSync(join(fixtures, 'test-only-cert.pem')),
    });
    expect(answer).toMatchObject({ status: 200, json: { queued: 1 } });
    expect(await collectTexts(source, 1)).toEqual(['{"secure":true}']);
  });

  it('names an unreadable TLS file', async () => {
    await expect(
      openWebhookSource({
        port: 0,
        tls: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' },
      }),
    ).rejects.toThrow(/^webhook: cannot read tls\.certFile \/nonexistent\/cert\.pem: ENOENT/);
  });

  it('closing settles a pending next_batch with EOF, ends keep-alive connections and frees the port', async () => {
    const source = await openWebhookSource(
      { port: 0, acknowledge: 'queued' },
      { timeout: 60_000, batchSize: 1 },
    );
    const agent = keepAliveAgent(1);
    expect((await send(source.url, '{"a":1}', { agent })).status).toBe(200);
    await collectTexts(source, 1);
    const pending = source.nextBatch(new TestBatch(source.batchOptions).reset());
    await source.close();
    await expect(pending).resolves.toBe(EOF);
    await expect(send(source.url, '{}', { agent })).rejects.toThrow(/ECONNREFUSED|socket hang up|ECONNRESET/);
    agent.destroy();
    const again = await openWebhookSource({ port: source.port });
    expect(again.port).toBe(source.port);
    await again.close();
  });

  it('aborting the signal option stops the source and frees the port', async () => {
    const controller = new AbortController();
    const source = await openWebhookSource({ port: 0 }, { signal: controller.signal });
    controller.abort();
    await source.close();
    const probe = createServer();
    await new Promise<void>((resolve, reject) =>
      probe.once('error', reject).listen(source.port, '127.0.0.1', () => resolve()),
    );
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('fails to open with a clear message when the port is taken', async () => {
    const first = await start();
    await expect(openWebhookSource({ port: first.port })).rejects.toThrow(
      `webhook: cannot listen on 127.0.0.1:${first.port}: listen EADDRINUSE: address already in use 127.0.0.1:${first.port}`,
    );
  });

  it.each([
    [{ port: 70000 }, 'webhook: invalid config: port: Number must be less than or equal to 65535'],
    [{ path: 'events' }, 'webhook: invalid config: path: must start with "/" and have no query or fragment'],
    [
      { auth: { type: 'token', token: 'short' } },
      'webhook: invalid config: auth.token: the token must be at least 16 characters',
    ],
    [
      { auth: { type: 'password' } },
      "webhook: invalid config: auth.type: Invalid enum value. Expected 'none' | 'token' | 'hmac', received 'password'",
    ],
    [{ auth: { type: 'hmac' } }, 'webhook: invalid config: auth.secret: required when type is "hmac"'],
    [{ auth: { type: 'token' } }, 'webhook: invalid config: auth.token: required when type is "token"'],
    [
      { auth: { token: 'a-token-of-16-chars' } },
      'webhook: invalid config: auth.token: set, but type is "none": set type: token',
    ],
    [{ maxQueue: 0 }, 'webhook: invalid config: maxQueue: Number must be greater than 0'],
    [{ contentTypes: [] }, 'webhook: invalid config: contentTypes: Array must contain at least 1 element(s)'],
    [
      { listenAddress: '0.0.0.0' },
      'webhook: invalid config: auth: "none" on listenAddress 0.0.0.0 lets anyone who can reach it inject events; configure auth (token or hmac), listen on 127.0.0.1, or set allowUnauthenticated: true',
    ],
  ])('refuses config %j', async (config, message) => {
    await expect(openWebhookSource(config as WebhookConfigInput)).rejects.toThrow(message);
  });

  it('refuses bad options before listening', async () => {
    await expect(openWebhookSource({ port: 0 }, { toEvents: 'split' as never })).rejects.toThrow(
      'openWebhookSource: invalid options: toEvents: must be a function',
    );
    await expect(openWebhookSource({ port: 0 }, { bufferSize: 3 } as never)).rejects.toThrow(
      "openWebhookSource: invalid options: (root): Unrecognized key(s) in object: 'bufferSize'",
    );
    await expect(openWebhookSource({ port: 0, maxBodyBytes: 2048 }, { maxEventSize: 1024 })).rejects.toThrow(
      'openWebhookSource: maxEventSize (1024) is smaller than maxBodyBytes (2048): a body the webhook accepts would not fit a batch; lower maxBodyBytes instead',
    );
  });
});
