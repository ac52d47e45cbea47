/* The webhook's defences over loopback: authentication before anything else, duplicate credentials, HMAC
   checks before the body is buffered, the connection cap, header/body/idle timeouts, replay protection,
   events checked against the batch limits before the answer, and the config's bounds. */
import { createHmac } from 'node:crypto';
import {
  MAX_WEBHOOK_QUEUE,
  openWebhookSource,
  PushQueue,
  WebhookConfigSchema,
  type WebhookConfigInput,
  type WebhookSource,
  type WebhookSourceOptions,
} from 'falco-plugin-sdk/prebuilts';
import { WebhookPluginConfig } from '../../examples/webhook/webhook';
import { parseWebhookConfig } from '../../prebuilts/webhook/webhook-config';
import { collectTexts } from './helpers/drain';
import { send } from './helpers/http-client';
import { openRaw, rawJson, rawRequest, type RawConnection } from './helpers/raw-http';

jest.setTimeout(30_000);

const TOKEN = 'a-shared-token-0123456789';
const SECRET = 'an-hmac-secret-0123456789';
const sign = (body: string, prefix = '') =>
  `sha256=${createHmac('sha256', SECRET)
    .update(prefix + body)
    .digest('hex')}`;

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
const raws: RawConnection[] = [];
afterEach(async () => {
  for (const raw of raws.splice(0)) raw.socket.destroy();
  await Promise.all(open.splice(0).map((s) => s.close()));
  warnings.splice(0);
});

/** Waits for a condition, checking on every turn of the event loop, with a generous deadline. */
async function until(condition: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}

describe('webhook hardening: authentication first', () => {
  it('answers 401 to an unauthenticated request whatever its path, method or media type', async () => {
    const source = await start({ auth: { type: 'token', token: TOKEN } });
    const base = source.url.replace('/events', '');
    for (const answer of [
      await send(`${base}/secret-path-guess`, '{}'),
      await send(source.url, undefined, { method: 'GET' }),
      await send(source.url, 'x', { headers: { 'content-type': 'text/plain' } }),
    ]) {
      expect(answer).toMatchObject({
        status: 401,
        json: { error: 'missing Authorization: Bearer <token> header' },
      });
      expect(answer.json.error).not.toContain('/events');
    }
    const wrong = await send(`${base}/other`, '{}', {
      headers: { authorization: 'Bearer wrong-token-0123456789' },
    });
    expect(wrong).toMatchObject({ status: 403, json: { error: 'invalid token' } });
    const authenticated = { authorization: `Bearer ${TOKEN}` };
    expect(await send(`${base}/other`, '{}', { headers: authenticated })).toMatchObject({ status: 404 });
    expect(source.counters.rejections).toMatchObject({ unauthorized: 3, forbidden: 1, notFound: 1 });
  });

  it('answers 400 to a duplicate Authorization header (right, then wrong) or a duplicate custom header', async () => {
    const source = await start({ auth: { type: 'token', token: TOKEN } });
    const duplicate = await rawRequest(
      source.port,
      `POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n` +
        `authorization: Bearer ${TOKEN}\r\nauthorization: Bearer wrong-token-0123456789`,
      '{}',
    );
    expect(duplicate.status).toBe(400);
    expect(rawJson(duplicate).error).toBe('duplicate authorization header: send it once');
    const custom = await start({ auth: { type: 'token', token: TOKEN, header: 'x-token' } });
    const twice = await rawRequest(
      custom.port,
      `POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n` +
        `x-token: ${TOKEN}\r\nx-token: ${TOKEN}`,
      '{}',
    );
    expect(twice.status).toBe(400);
    expect(source.stats.bufferedEvents + custom.stats.bufferedEvents).toBe(0);
  });

  it('HMAC: a too-large Content-Length gets 413 and a malformed signature 401, before any body byte is sent', async () => {
    const source = await start({ auth: { type: 'hmac', secret: SECRET }, maxBodyBytes: 1000 });
    const signature = sign('irrelevant');
    const head = (length: number, sig: string) =>
      `POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n` +
      `x-signature-256: ${sig}\r\nconnection: close\r\n\r\n`;
    const big = openRaw(source.port);
    raws.push(big);
    await big.connected;
    big.socket.write(head(10_000_000, signature)); // headers only: the body never comes
    const answer = await big.done;
    expect(answer.status).toBe(413);
    expect(rawJson(answer).error).toBe('request body of 10000000 bytes exceeds the limit of 1000 bytes');
    const malformed = openRaw(source.port);
    raws.push(malformed);
    await malformed.connected;
    malformed.socket.write(head(10, 'sha256=not-hex'));
    const refused = await malformed.done;
    expect(refused.status).toBe(401);
    expect(rawJson(refused).error).toBe('malformed x-signature-256 header: expected sha256=<64 hex digits>');
  });

  it('HMAC: bodies not yet authenticated hold at most maxPendingBytes together; beyond it 503', async () => {
    const source = await start({
      auth: { type: 'hmac', secret: SECRET },
      maxBodyBytes: 1500,
      maxPendingBytes: 2048,
    });
    const body = JSON.stringify({ pad: 'x'.repeat(1490) });
    expect(body.length).toBe(1500);
    const head =
      `POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1500\r\n` +
      `x-signature-256: ${sign(body)}\r\nconnection: close\r\n\r\n`;
    const first = openRaw(source.port);
    raws.push(first);
    await first.connected;
    first.socket.write(head + body.slice(0, 10)); // holds 1500 bytes of the budget while its body trickles
    await until(() => source.counters.received === 1, 'the first request');
    const second = await rawRequest(source.port, head.trimEnd().replace(/\r\nconnection: close$/, ''), body);
    expect(second.status).toBe(503);
    expect(rawJson(second).error).toBe(
      'too many request bodies are being read (2048 bytes pending); retry later',
    );
    first.socket.write(body.slice(10));
    expect((await first.done).status).toBe(200);
    expect(await collectTexts(source, 1)).toEqual([body]);
    expect(source.counters.rejections.overloaded).toBe(1);
  });
});

describe('webhook hardening: connections and timeouts', () => {
  const timeouts = { headersTimeout: 1000, requestTimeout: 1500, keepAliveTimeout: 500 };

  it('caps connections: beyond maxConnections a request gets 503; idle ones are cut off; a good client is served', async () => {
    const source = await start({ ...timeouts, maxConnections: 50 });
    const idle = Array.from({ length: 60 }, () => openRaw(source.port));
    raws.push(...idle);
    await Promise.all(idle.map((c) => c.connected));
    await until(() => source.counters.refusedConnections === 10, '10 refused connections');
    const refused = await send(source.url, '{"early":true}');
    expect(refused).toMatchObject({ status: 503, json: { error: 'too many connections (50); retry later' } });
    const ends = await Promise.all(idle.map((c) => c.done));
    expect(ends.every((e) => e.ms < 5000)).toBe(true); // cut off by headersTimeout or the overflow grace
    expect(ends.filter((e) => e.status === 408)).toHaveLength(50);
    await until(() => source.openConnections === 0, 'the idle connections to close');
    expect(await send(source.url, '{"good":true}')).toMatchObject({ status: 200, json: { queued: 1 } });
    expect(await collectTexts(source, 1)).toEqual(['{"good":true}']);
  });

  it('holds at most maxConnections + 64 connections whatever the flood: the others are closed at once, counted', async () => {
    const source = await start({ ...timeouts, maxConnections: 10 });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, source.openConnections)), 1);
    const flood = Array.from({ length: 200 }, () => openRaw(source.port));
    raws.push(...flood);
    try {
      await until(() => source.counters.refusedConnections === 190, '190 refused connections');
      const ends = await Promise.all(flood.map((c) => c.done));
      expect(ends.filter((e) => e.status === 408)).toHaveLength(10); // the admitted ones, at headersTimeout
      expect(ends.filter((e) => e.ms < 1000 && e.status === undefined).length).toBeGreaterThanOrEqual(100);
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeLessThanOrEqual(10 + 64);
    await until(() => source.openConnections === 0, 'the connections to close');
    expect(await send(source.url, '{"good":true}')).toMatchObject({ status: 200 });
  });

  it('cuts off a header trickle at headersTimeout and a body trickle at requestTimeout', async () => {
    const source = await start({ ...timeouts, auth: { type: 'token', token: TOKEN } });
    const headers = openRaw(source.port);
    const body = openRaw(source.port);
    raws.push(headers, body);
    await Promise.all([headers.connected, body.connected]);
    headers.socket.write('POST /events HTTP/1.1\r\nhost: x\r\n');
    body.socket.write(
      `POST /events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n` +
        `authorization: Bearer ${TOKEN}\r\n\r\n{`,
    );
    const trickle = setInterval(() => {
      if (!headers.socket.destroyed) headers.socket.write('x-pad: 1\r\n');
      if (!body.socket.destroyed) body.socket.write(' ');
    }, 100);
    try {
      const [h, b] = await Promise.all([headers.done, body.done]);
      expect(h).toMatchObject({ status: 408 });
      expect(b).toMatchObject({ status: 408 });
      expect(h.ms).toBeLessThan(4000);
      expect(b.ms).toBeGreaterThanOrEqual(1000);
      expect(b.ms).toBeLessThan(5000);
    } finally {
      clearInterval(trickle);
    }
    expect(source.stats.bufferedEvents).toBe(0);
  });
});

describe('webhook hardening: replay protection', () => {
  it('accepts a fresh signed timestamp, refuses a stale one, and answers a repeated delivery id without queuing', async () => {
    const source = await start({
      auth: { type: 'hmac', secret: SECRET },
      replay: { timestampHeader: 'X-Timestamp', toleranceSeconds: 60, deliveryIdHeader: 'X-Delivery' },
    });
    const body = '{"event":"push"}';
    const now = String(Math.floor(Date.now() / 1000));
    const signed = (ts: string, id: string) => ({
      'x-timestamp': ts,
      'x-delivery': id,
      'x-signature-256': sign(body, `${ts}.`),
    });
    expect(await send(source.url, body, { headers: signed(now, 'd-1') })).toMatchObject({
      status: 200,
      json: { queued: 1 },
    });
    const stale = String(Math.floor(Date.now() / 1000) - 3600);
    const refused = await send(source.url, body, { headers: signed(stale, 'd-2') });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatch(
      /^x-timestamp is 36\d\d s away from the webhook's clock \(tolerance 60 s\)/,
    );
    const unsignedTimestamp = { ...signed(now, 'd-3'), 'x-signature-256': sign(body) };
    expect(await send(source.url, body, { headers: unsignedTimestamp })).toMatchObject({ status: 403 });
    expect(await send(source.url, body, { headers: { 'x-signature-256': sign(body) } })).toMatchObject({
      status: 401,
      json: { error: 'missing x-timestamp header with the send time in Unix seconds' },
    });
    const repeat = await send(source.url, body, { headers: signed(now, 'd-1') });
    expect(repeat).toMatchObject({ status: 200, json: { queued: 0, duplicate: true } });
    expect(source.stats.bufferedEvents).toBe(1);
    expect(source.counters).toMatchObject({ accepted: 2, duplicates: 1, queued: 1 });
  });

  it('a delivery id refused (queue full) is not remembered: the retry is queued', async () => {
    const source = await start({ maxQueue: 1, replay: { deliveryIdHeader: 'x-delivery' } });
    expect((await send(source.url, '{"n":1}', { headers: { 'x-delivery': 'a' } })).status).toBe(200);
    expect((await send(source.url, '{"n":2}', { headers: { 'x-delivery': 'b' } })).status).toBe(429);
    expect(await collectTexts(source, 1)).toEqual(['{"n":1}']);
    expect(await send(source.url, '{"n":2}', { headers: { 'x-delivery': 'b' } })).toMatchObject({
      status: 200,
      json: { queued: 1 },
    });
  });
});

describe('webhook hardening: a 200 means the events fit a batch', () => {
  it('413 for an event toEvents makes larger than maxEventSize, 400 for a bad timestamp; nothing queued, the source goes on', async () => {
    const source = await start(
      { maxBodyBytes: 1000 },
      {
        maxEventSize: 2000,
        toEvents: (body) => {
          const text = body.toString();
          if (text === '{"bad":"ts"}') return { data: text, timestamp: -1 };
          return [{ data: '{"first":true}' }, { data: text.repeat(3) }];
        },
      },
    );
    const big = JSON.stringify({ pad: 'x'.repeat(800) });
    expect(await send(source.url, big)).toMatchObject({
      status: 413,
      json: {
        error:
          'event 2 of 2: event of 2430 bytes exceeds the maximum event size of 2000 bytes; nothing was queued',
      },
    });
    expect(await send(source.url, '{"bad":"ts"}')).toMatchObject({
      status: 400,
      json: { error: 'timestamp -1 is not a non-negative number of nanoseconds; nothing was queued' },
    });
    expect(source.stats.bufferedEvents).toBe(0);
    expect(await send(source.url, '{"ok":1}')).toMatchObject({ status: 200, json: { queued: 2 } });
    expect(await collectTexts(source, 2)).toEqual(['{"first":true}', '{"ok":1}{"ok":1}{"ok":1}']);
    expect(source.stats).toMatchObject({ deliveredEvents: 2, skippedEvents: 0 });
  });
});

describe('webhook hardening: config bounds', () => {
  it.each([
    [{ maxQueue: MAX_WEBHOOK_QUEUE + 1 }, 'maxQueue: Number must be less than or equal to 1000000'],
    [{ maxQueue: 2 ** 32 }, 'maxQueue: Number must be less than or equal to 1000000'],
    [{ maxConnections: 0 }, 'maxConnections: Number must be greater than or equal to 1'],
    [{ headersTimeout: 50 }, 'headersTimeout: Number must be greater than or equal to 100'],
    [{ requestTimeout: 3_600_000 }, 'requestTimeout: Number must be less than or equal to 600000'],
    [
      { headersTimeout: 20_000, requestTimeout: 10_000 },
      'headersTimeout: must not exceed requestTimeout (10000)',
    ],
    [
      { acknowledge: 'later' },
      "acknowledge: Invalid enum value. Expected 'delivered' | 'queued', received 'later'",
    ],
    [
      { replay: { timestampHeader: 'x-ts' } },
      'replay.timestampHeader: needs auth type "hmac": the timestamp must be signed',
    ],
  ])('refuses %j naming the key', (config, message) => {
    expect(() => parseWebhookConfig(config)).toThrow(`webhook: invalid config: ${message}`);
  });

  it('has safe defaults, in seconds', () => {
    expect(WebhookConfigSchema.parse({})).toMatchObject({
      acknowledge: 'delivered',
      maxQueue: 1024,
      maxConnections: 256,
      maxPendingBytes: 16 * 1024 * 1024,
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
    });
  });

  it('refuses auth "none" on a non-loopback address when the config is parsed (init), naming the key', () => {
    for (const schema of [WebhookConfigSchema, WebhookPluginConfig]) {
      const parsed = schema.safeParse({ listenAddress: '0.0.0.0' });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: ['auth'] });
      expect(parsed.error?.issues[0].message).toMatch(/^"none" on listenAddress 0\.0\.0\.0 lets anyone/);
    }
    expect(
      WebhookConfigSchema.safeParse({ listenAddress: '0.0.0.0', allowUnauthenticated: true }).success,
    ).toBe(true);
  });

  it('a queue of the largest capacity allocates nothing up front, and one of 2^32 can be created', () => {
    const queue = new PushQueue({ capacity: 2 ** 32 });
    expect(queue.offer({ data: 'a' })).toBe('queued');
    expect(queue.take()).toEqual({ data: 'a' });
    const before = process.memoryUsage().heapUsed;
    const big = new PushQueue({ capacity: MAX_WEBHOOK_QUEUE });
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(1024 * 1024);
    big.end();
    expect(big.clear()).toBe(0);
  });
});
