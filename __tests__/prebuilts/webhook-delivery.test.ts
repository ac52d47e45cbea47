/* acknowledge 'delivered' (the default) over loopback: a request is answered 200 only once nextBatch has
   taken every event it made; the host closing the source answers the waiting ones 503, saying how many of
   their events were delivered. */
import { EOF } from 'falco-plugin-sdk';
import {
  openWebhookSource,
  type WebhookConfigInput,
  type WebhookSource,
  type WebhookSourceOptions,
} from 'falco-plugin-sdk/prebuilts';
import { TestBatch } from './helpers/batches';
import { keepAliveAgent, send, type HttpAnswer } from './helpers/http-client';

const open: WebhookSource[] = [];
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };
async function start(config: WebhookConfigInput = {}, options: WebhookSourceOptions = {}) {
  const source = await openWebhookSource({ port: 0, ...config }, { logger, timeout: 5, ...options });
  open.push(source);
  return source;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  warnings.splice(0);
});

/** Splits a JSON array body into one event per item. */
const splitArray: WebhookSourceOptions['toEvents'] = (body, request) =>
  (JSON.parse(body.toString()) as unknown[]).map((item) => ({
    data: JSON.stringify(item),
    timestamp: request.receivedAt,
  }));

/** A request whose answer the test can look at before it arrives. */
function tracked(promise: Promise<HttpAnswer>) {
  const state: { answer?: HttpAnswer } = {};
  const done = promise.then((answer) => (state.answer = answer));
  return { state, done };
}

/** Waits until a condition holds, checking every few milliseconds. */
async function until(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets the server write what it has to write, and the client read it. */
const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe("acknowledge 'delivered'", () => {
  it('answers a request only once nextBatch has taken its event, with {"delivered": 1}', async () => {
    const source = await start();
    const request = tracked(send(source.url, '{"user":"alice"}'));
    await until(() => source.stats.bufferedEvents === 1, 'the event to be queued');
    await turns();
    expect(request.state.answer).toBeUndefined(); // queued, not delivered: no answer yet
    expect(source.counters).toMatchObject({ received: 1, accepted: 0, queued: 1 });
    const batch = new TestBatch(source.batchOptions);
    await source.nextBatch(batch.reset());
    expect(batch.texts()).toEqual(['{"user":"alice"}']);
    await request.done;
    expect(request.state.answer).toMatchObject({ status: 200, json: { delivered: 1 } });
    expect(source.counters).toMatchObject({ received: 1, accepted: 1, rejected: 0, queued: 1 });
  });

  it('answers a request that toEvents splits only once all its events are taken, across batches', async () => {
    const source = await start({}, { toEvents: splitArray, batchSize: 2 });
    const request = tracked(send(source.url, '[{"a":1},{"a":2},{"a":3}]'));
    await until(() => source.stats.bufferedEvents === 3, 'the events to be queued');
    const batch = new TestBatch(source.batchOptions);
    expect(await source.nextBatch(batch.reset())).toBeUndefined(); // full
    expect(batch.texts()).toEqual(['{"a":1}', '{"a":2}']);
    await turns();
    expect(request.state.answer).toBeUndefined(); // 2 of 3 taken
    await source.nextBatch(batch.reset());
    expect(batch.texts()).toEqual(['{"a":3}']);
    await request.done;
    expect(request.state.answer).toMatchObject({ status: 200, json: { delivered: 3 } });
  });

  it('answers a request that makes no events at once, with {"delivered": 0}', async () => {
    const source = await start({}, { toEvents: splitArray });
    expect(await send(source.url, '[]')).toMatchObject({ status: 200, json: { delivered: 0 } });
    expect(source.counters).toMatchObject({ accepted: 1, queued: 0 });
  });

  it('answers at once when a nextBatch call is waiting for events', async () => {
    const source = await start({}, { timeout: 10_000, batchSize: 1 });
    const batch = new TestBatch(source.batchOptions);
    const pending = source.nextBatch(batch.reset());
    expect(await send(source.url, '{"n":1}')).toMatchObject({ status: 200, json: { delivered: 1 } });
    expect(await pending).toBeUndefined();
    expect(batch.texts()).toEqual(['{"n":1}']);
  });

  it('the host closing after part of a request was taken answers 503 naming k of n; counters and one warning', async () => {
    const source = await start({}, { toEvents: splitArray, batchSize: 2 });
    const agent = keepAliveAgent(2);
    const split = tracked(send(source.url, '[{"a":1},{"a":2},{"a":3},{"a":4},{"a":5}]', { agent }));
    await until(() => source.stats.bufferedEvents === 5, 'the first request to be queued');
    const single = tracked(send(source.url, '[{"b":1}]', { agent }));
    await until(() => source.stats.bufferedEvents === 6, 'the second request to be queued');
    const batch = new TestBatch(source.batchOptions);
    await source.nextBatch(batch.reset());
    expect(batch.texts()).toEqual(['{"a":1}', '{"a":2}']);
    await source.close(); // the host: close, and no nextBatch any more
    await Promise.all([split.done, single.done]);
    agent.destroy();
    expect(split.state.answer).toMatchObject({
      status: 503,
      json: {
        error:
          'the webhook source closed before these events were delivered; 2 of 5 were delivered (the first 2)',
        delivered: 2,
        events: 5,
      },
    });
    expect(split.state.answer?.headers['retry-after']).toBe('1');
    expect(single.state.answer).toMatchObject({
      status: 503,
      json: {
        error: 'the webhook source closed before these events were delivered; nothing was delivered',
        delivered: 0,
        events: 1,
      },
    });
    expect(warnings).toEqual([
      'webhook: the host closed the source with 4 events of 2 requests not delivered (2 other events of ' +
        'those requests had been delivered): dropped, and those requests were answered 503 so their senders ' +
        'can retry',
    ]);
    expect(source.counters).toMatchObject({
      received: 2,
      accepted: 0,
      rejected: 2,
      queued: 6,
      droppedAtClose: 4,
      rejections: expect.objectContaining({ closedBeforeDelivery: 2 }),
    });
    expect(source.stats).toMatchObject({ deliveredEvents: 2, bufferedEvents: 0, undeliveredEvents: 4 });
    expect(source.nextBatch(batch.reset())).toBe(EOF);
  });

  it('a close with nothing waiting logs nothing and answers nothing 503', async () => {
    const source = await start();
    const answer = send(source.url, '{"n":1}');
    await until(() => source.stats.bufferedEvents === 1, 'the event to be queued');
    await source.nextBatch(new TestBatch(source.batchOptions).reset());
    expect((await answer).status).toBe(200);
    await source.close();
    expect(warnings).toEqual([]);
    expect(source.counters).toMatchObject({ accepted: 1, rejected: 0, droppedAtClose: 0 });
  });

  it('aborting the signal drains: later nextBatch calls deliver the queued events, their senders get 200, then EOF', async () => {
    const controller = new AbortController();
    const source = await start({}, { signal: controller.signal, batchSize: 1 });
    const agent = keepAliveAgent(3);
    const requests = [1, 2, 3].map((n) => tracked(send(source.url, JSON.stringify({ n }), { agent })));
    await until(() => source.stats.bufferedEvents === 3, 'the events to be queued');
    controller.abort();
    expect(warnings).toEqual([
      'webhook: stopped with 3 events queued but not yet delivered: next_batch returns them before EOF and ' +
        'their senders get 200 then; if the host closes the source first, they get 503',
    ]);
    const batch = new TestBatch(source.batchOptions);
    const texts: string[] = [];
    for (;;) {
      const outcome = await source.nextBatch(batch.reset());
      texts.push(...batch.texts());
      if (outcome === EOF) break;
    }
    expect(texts).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    await Promise.all(requests.map((r) => r.done));
    agent.destroy();
    expect(requests.map((r) => r.state.answer?.status)).toEqual([200, 200, 200]);
    expect(requests.map((r) => r.state.answer?.json)).toEqual([
      { delivered: 1 },
      { delivered: 1 },
      { delivered: 1 },
    ]);
    await source.close();
    expect(warnings).toHaveLength(1); // nothing was left for the close
    expect(source.counters).toMatchObject({ accepted: 3, droppedAtClose: 0 });
  });

  it('a repeat of a delivery id still waiting waits with it: 200 duplicate once delivered, 503 if the host closes first', async () => {
    const source = await start({ replay: { deliveryIdHeader: 'x-delivery' } });
    const agent = keepAliveAgent(4);
    const post = (body: string, id: string) =>
      tracked(send(source.url, body, { agent, headers: { 'x-delivery': id } }));
    const first = post('{"n":1}', 'd-1');
    await until(() => source.stats.bufferedEvents === 1, 'the first delivery to be queued');
    const repeat = post('{"n":1}', 'd-1');
    await until(() => source.counters.received === 2, 'the repeat to arrive');
    await turns();
    expect(repeat.state.answer).toBeUndefined();
    expect(source.stats.bufferedEvents).toBe(1); // not queued twice
    const batch = new TestBatch(source.batchOptions);
    await source.nextBatch(batch.reset());
    expect(batch.texts()).toEqual(['{"n":1}']);
    await Promise.all([first.done, repeat.done]);
    expect(first.state.answer).toMatchObject({ status: 200, json: { delivered: 1 } });
    expect(repeat.state.answer).toMatchObject({ status: 200, json: { queued: 0, duplicate: true } });
    expect(await send(source.url, '{"n":1}', { agent, headers: { 'x-delivery': 'd-1' } })).toMatchObject({
      status: 200,
      json: { queued: 0, duplicate: true },
    });

    const second = post('{"n":2}', 'd-2');
    await until(() => source.stats.bufferedEvents === 1, 'the second delivery to be queued');
    const secondRepeat = post('{"n":2}', 'd-2');
    await until(() => source.counters.received === 5, 'the second repeat to arrive');
    await source.close();
    await Promise.all([second.done, secondRepeat.done]);
    agent.destroy();
    expect(second.state.answer).toMatchObject({ status: 503, json: { delivered: 0, events: 1 } });
    expect(secondRepeat.state.answer).toMatchObject({ status: 503, json: { delivered: 0, events: 1 } });
    expect(source.counters).toMatchObject({
      accepted: 3,
      duplicates: 2,
      queued: 2,
      droppedAtClose: 1,
      rejections: expect.objectContaining({ closedBeforeDelivery: 2 }),
    });
  });

  it('still answers 429 when maxQueue events wait, counting the waiting ones', async () => {
    const source = await start({ maxQueue: 2 });
    const agent = keepAliveAgent(3);
    const waiting = [1, 2].map((n) => tracked(send(source.url, JSON.stringify({ n }), { agent })));
    await until(() => source.stats.bufferedEvents === 2, 'the queue to fill');
    expect(await send(source.url, '{"n":3}', { agent })).toMatchObject({
      status: 429,
      json: { error: 'the event queue is full (2 events wait for the host); retry later' },
    });
    await source.nextBatch(new TestBatch(source.batchOptions).reset());
    await Promise.all(waiting.map((w) => w.done));
    agent.destroy();
    expect(waiting.map((w) => w.state.answer?.status)).toEqual([200, 200]);
  });

  it('a sender that goes away while waiting: its event is still delivered and nothing fails', async () => {
    const source = await start();
    const agent = keepAliveAgent(1);
    const gone = send(source.url, '{"n":1}', { agent }).catch((err: Error) => err);
    await until(() => source.stats.bufferedEvents === 1, 'the event to be queued');
    agent.destroy(); // the sender's socket closes before the answer
    expect(String(await gone)).toMatch(/socket hang up|ECONNRESET/);
    const batch = new TestBatch(source.batchOptions);
    await source.nextBatch(batch.reset());
    expect(batch.texts()).toEqual(['{"n":1}']);
    await until(() => source.openConnections === 0, 'the connection to close');
    expect(source.counters).toMatchObject({ received: 1, accepted: 1 });
  });
});
