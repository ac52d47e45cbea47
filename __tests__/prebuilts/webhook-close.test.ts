/* Closing a webhook source under load. Answered when delivered (the default): the host closes the instance
   and calls nextBatch no more, and exactly the requests whose events it took got 200, every other one a
   503, none a reset. Answered when queued: every request answered 2xx is delivered by the drain before
   EOF. */
import { EOF } from 'falco-plugin-sdk';
import { openWebhookSource, type WebhookSource } from 'falco-plugin-sdk/prebuilts';
import { TestBatch } from './helpers/batches';
import { keepAliveAgent, send, type HttpAnswer } from './helpers/http-client';

const REQUESTS = 500;
const CLIENTS = 8;

jest.setTimeout(60_000);

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const seqOf = (text: string) => (JSON.parse(text) as { seq: number }).seq;

/** What the clients of one run saw. */
interface Sent {
  readonly answers: Map<number, HttpAnswer>;
  readonly failures: string[];
}

/**
 * `CLIENTS` keep-alive clients sending `REQUESTS` requests between them, one at a time each; a client
 * stops at its first answer other than 200 (a sender backs off when the source is closing).
 */
async function sendAll(source: WebhookSource, onAnswer: () => void = () => undefined): Promise<Sent> {
  const answers = new Map<number, HttpAnswer>();
  const failures: string[] = [];
  let next = 0;
  const client = async () => {
    const agent = keepAliveAgent(1);
    try {
      while (next < REQUESTS) {
        const seq = next++;
        let answer: HttpAnswer;
        try {
          answer = await send(source.url, JSON.stringify({ seq }), { agent });
        } catch (err) {
          failures.push(`${seq}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
          return;
        }
        answers.set(seq, answer);
        onAnswer();
        if (answer.status !== 200) return;
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { answers, failures };
}

const withStatus = (sent: Sent, status: number) =>
  [...sent.answers].filter(([, a]) => a.status === status).map(([seq]) => seq);

describe("webhook source: the host closes it under load (acknowledge 'delivered')", () => {
  it(`${REQUESTS} requests from ${CLIENTS} clients, a slow consumer, close mid-way and no more nextBatch: 200 answers = events delivered, every other answer 503`, async () => {
    const warnings: string[] = [];
    const source = await openWebhookSource(
      { port: 0, maxQueue: 1000 },
      { batchSize: 4, timeout: 5, logger: { warn: (m) => void warnings.push(m) } },
    );
    expect(source.acknowledge).toBe('delivered');
    let waitingAtClose = -1;
    const consume = async () => {
      const batch = new TestBatch(source.batchOptions);
      const seqs: number[] = [];
      while (seqs.length < REQUESTS / 3) {
        const outcome = await source.nextBatch(batch.reset());
        seqs.push(...batch.texts().map(seqOf));
        expect(outcome).not.toBe(EOF);
        await pause(2); // slow
      }
      // like a host stopping: after a nextBatch call returned, with requests still waiting, close
      while (source.stats.bufferedEvents === 0) await pause(1);
      waitingAtClose = source.stats.bufferedEvents;
      await source.close();
      return seqs;
    };

    const [delivered, sent] = await Promise.all([consume(), sendAll(source)]);

    expect(sent.failures).toEqual([]); // no connection reset, no request without an answer
    const ok = withStatus(sent, 200);
    const unavailable = withStatus(sent, 503);
    expect(ok.length + unavailable.length).toBe(sent.answers.size); // 200 or 503, nothing else
    expect(ok).toHaveLength(delivered.length); // exactly the events the host took, none more
    expect(new Set(ok)).toEqual(new Set(delivered));
    expect(delivered).toHaveLength(new Set(delivered).size);
    for (const seq of ok) expect(sent.answers.get(seq)?.json).toEqual({ delivered: 1 });

    const dropped = unavailable.filter((seq) => sent.answers.get(seq)?.json.events !== undefined);
    expect(waitingAtClose).toBeGreaterThan(0);
    expect(dropped).toHaveLength(waitingAtClose); // the requests still waiting when the host closed
    for (const seq of dropped) {
      expect(sent.answers.get(seq)?.json).toEqual({
        error: 'the webhook source closed before these events were delivered; nothing was delivered',
        delivered: 0,
        events: 1,
      });
    }
    for (const seq of unavailable.filter((s) => !dropped.includes(s))) {
      expect(sent.answers.get(seq)?.json).toEqual({ error: 'the webhook source is closed' });
    }
    expect(warnings).toEqual([
      `webhook: the host closed the source with ${plural(waitingAtClose, 'event')} of ` +
        `${plural(waitingAtClose, 'request')} not delivered: dropped, and those requests were answered 503 so ` +
        `their senders can retry`,
    ]);
    expect(source.counters).toMatchObject({
      received: sent.answers.size,
      accepted: ok.length,
      rejected: unavailable.length,
      queued: ok.length + waitingAtClose,
      droppedAtClose: waitingAtClose,
      rejections: expect.objectContaining({
        closedBeforeDelivery: waitingAtClose,
        unavailable: unavailable.length - waitingAtClose,
      }),
    });
    expect(source.stats).toMatchObject({
      deliveredEvents: delivered.length,
      bufferedEvents: 0,
      undeliveredEvents: waitingAtClose,
    });
    const after = new TestBatch(source.batchOptions);
    expect(source.nextBatch(after.reset())).toBe(EOF);
    expect(after.texts()).toEqual([]);
  });
});

describe("webhook source: close under load (acknowledge 'queued')", () => {
  const CLOSE_AFTER_ACCEPTED = 250;
  const PAUSE_AFTER_DELIVERED = 50;

  it(`${REQUESTS} requests from ${CLIENTS} clients, a slow consumer, close mid-way: 2xx answers = events delivered before EOF`, async () => {
    const warnings: string[] = [];
    const source = await openWebhookSource(
      { port: 0, maxQueue: 1000, acknowledge: 'queued' },
      { batchSize: 4, timeout: 5, logger: { warn: (m) => void warnings.push(m) } },
    );
    let closing: Promise<void> | undefined;
    let bufferedAtClose = -1;
    let accepted = 0;
    let releaseConsumer!: () => void;
    const closed = new Promise<void>((resolve) => (releaseConsumer = resolve));
    const onAnswer = () => {
      accepted = source.counters.accepted;
      if (accepted >= CLOSE_AFTER_ACCEPTED && closing === undefined) {
        closing = source.close();
        bufferedAtClose = source.stats.bufferedEvents;
        releaseConsumer();
      }
    };

    const consume = async () => {
      const batch = new TestBatch(source.batchOptions);
      const seqs: number[] = [];
      for (;;) {
        if (seqs.length >= PAUSE_AFTER_DELIVERED && closing === undefined) await closed; // the consumer lags
        const outcome = await source.nextBatch(batch.reset());
        seqs.push(...batch.texts().map(seqOf));
        if (outcome === EOF) return seqs;
        await pause(2); // slow
      }
    };

    const [delivered, sent] = await Promise.all([consume(), sendAll(source, onAnswer)]);
    await closing;

    expect(sent.failures).toEqual([]); // no connection reset, no request without an answer
    const ok = withStatus(sent, 200);
    const unavailable = withStatus(sent, 503);
    expect(ok.length + unavailable.length).toBe(sent.answers.size);
    expect(unavailable.length).toBeGreaterThanOrEqual(1);
    expect(delivered).toHaveLength(ok.length); // exactly the 2xx answers, none lost, none duplicated
    expect(new Set(delivered)).toEqual(new Set(ok));
    expect(bufferedAtClose).toBeGreaterThan(0); // the drain delivered events queued at the close
    expect(warnings).toEqual([
      `webhook: stopped with ${bufferedAtClose} events buffered but not yet delivered: next_batch returns them ` +
        `before EOF; they are lost if the host stops calling it`,
    ]);
    expect(source.stats).toMatchObject({
      deliveredEvents: ok.length,
      bufferedEvents: 0,
      undeliveredEvents: 0,
    });
    expect(source.counters).toMatchObject({
      accepted: ok.length,
      queued: ok.length,
      droppedAtClose: 0,
      rejections: expect.objectContaining({ unavailable: unavailable.length, closedBeforeDelivery: 0 }),
    });
    expect(source.nextBatch(new TestBatch(source.batchOptions).reset())).toBe(EOF);
  });

  it('a request on a kept-alive connection after the close gets 503 and the connection closes; the port is free', async () => {
    const source = await openWebhookSource(
      { port: 0, acknowledge: 'queued' },
      { logger: { warn: () => undefined } },
    );
    const agent = keepAliveAgent(1);
    try {
      expect((await send(source.url, '{"a":1}', { agent })).status).toBe(200);
      const closing = source.close();
      const late = await send(source.url, '{"b":2}', { agent });
      expect(late).toMatchObject({ status: 503, json: { error: 'the webhook source is closed' } });
      expect(late.headers.connection).toBe('close');
      await closing;
      expect(source.openConnections).toBe(0);
      const again = await openWebhookSource({ port: source.port });
      await again.close();
      const batch = new TestBatch(source.batchOptions);
      expect(await source.nextBatch(batch.reset())).toBe(EOF); // the drain: the event answered 200, then EOF
      expect(batch.texts()).toEqual(['{"a":1}']);
    } finally {
      agent.destroy();
    }
  });
});
