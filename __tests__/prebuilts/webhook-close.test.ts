/* Closing a webhook source under load: every request answered 2xx is delivered before EOF, every other
   one gets a real answer (503), and no connection is reset. */
import { EOF } from 'falco-plugin-sdk';
import { openWebhookSource } from 'falco-plugin-sdk/prebuilts';
import { TestBatch } from './helpers/batches';
import { keepAliveAgent, send } from './helpers/http-client';

const REQUESTS = 500;
const CLIENTS = 8;
const CLOSE_AFTER_ACCEPTED = 250;
const PAUSE_AFTER_DELIVERED = 50;

jest.setTimeout(60_000);

describe('webhook source: close under load', () => {
  it(`${REQUESTS} requests from ${CLIENTS} clients, a slow consumer, close mid-way: 2xx answers = events delivered before EOF`, async () => {
    const warnings: string[] = [];
    const source = await openWebhookSource(
      { port: 0, maxQueue: 1000 },
      { batchSize: 4, timeout: 5, logger: { warn: (m) => void warnings.push(m) } },
    );
    const statuses: number[] = [];
    const failures: string[] = [];
    const accepted = new Set<number>();
    let next = 0;
    let closing: Promise<void> | undefined;
    let bufferedAtClose = -1;
    let releaseConsumer!: () => void;
    const closed = new Promise<void>((resolve) => (releaseConsumer = resolve));

    const client = async () => {
      const agent = keepAliveAgent(1);
      try {
        while (next < REQUESTS) {
          const seq = next++;
          let status: number;
          try {
            status = (await send(source.url, JSON.stringify({ seq }), { agent })).status;
          } catch (err) {
            failures.push(`${seq}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
            return;
          }
          statuses.push(status);
          if (status === 200) accepted.add(seq);
          if (accepted.size === CLOSE_AFTER_ACCEPTED && closing === undefined) {
            closing = source.close();
            bufferedAtClose = source.stats.bufferedEvents;
            releaseConsumer();
          }
          if (status !== 200) return; // a sender backs off when the source is closing
        }
      } finally {
        agent.destroy();
      }
    };

    const consume = async () => {
      const batch = new TestBatch(source.batchOptions);
      const seqs: number[] = [];
      for (;;) {
        if (seqs.length >= PAUSE_AFTER_DELIVERED && closing === undefined) await closed; // the consumer lags
        const outcome = await source.nextBatch(batch.reset());
        seqs.push(...batch.texts().map((t) => (JSON.parse(t) as { seq: number }).seq));
        if (outcome === EOF) return seqs;
        await new Promise<void>((resolve) => setTimeout(resolve, 2)); // slow
      }
    };

    const [delivered] = await Promise.all([consume(), Promise.all(Array.from({ length: CLIENTS }, client))]);
    await closing;

    expect(failures).toEqual([]); // no connection reset, no request without an answer
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(accepted.size);
    expect(delivered).toHaveLength(accepted.size); // exactly the 2xx answers, none lost, none duplicated
    expect(new Set(delivered)).toEqual(accepted);
    expect(bufferedAtClose).toBeGreaterThan(0); // the drain delivered events queued at the close
    expect(warnings).toEqual([
      `webhook: stopped with ${bufferedAtClose} events buffered but not yet delivered: next_batch returns them ` +
        `before EOF; they are lost if the host stops calling it`,
    ]);
    expect(source.stats).toMatchObject({
      deliveredEvents: accepted.size,
      bufferedEvents: 0,
      undeliveredEvents: 0,
    });
    expect(source.counters).toMatchObject({
      accepted: accepted.size,
      queued: accepted.size,
      rejections: expect.objectContaining({ unavailable: statuses.length - accepted.size }),
    });
    expect(source.nextBatch(new TestBatch(source.batchOptions).reset())).toBe(EOF);
  });

  it('a request on a kept-alive connection after the close gets 503 and the connection closes; the port is free', async () => {
    const source = await openWebhookSource({ port: 0 }, { logger: { warn: () => undefined } });
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
