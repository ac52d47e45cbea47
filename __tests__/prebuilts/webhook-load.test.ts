/* 10,000 webhook requests over loopback while a consumer drains the source like the host, answered when
   delivered and when queued: exactly 10,000 events, none lost or duplicated; a full queue answers 429 and
   the sender retries. */
import { openWebhookSource, type WebhookAcknowledge } from 'falco-plugin-sdk/prebuilts';
import { collectTexts } from './helpers/drain';
import { keepAliveAgent, send } from './helpers/http-client';

const REQUESTS = 10_000;
const CONCURRENCY = 32;

jest.setTimeout(60_000);

describe('webhook source under load', () => {
  it.each<WebhookAcknowledge>(['delivered', 'queued'])(
    `acknowledge %s: turns ${REQUESTS} requests into exactly ${REQUESTS} events, none lost or duplicated`,
    async (acknowledge) => {
      const source = await openWebhookSource({ port: 0, maxQueue: 256, acknowledge }, { batchSize: 128 });
      const agent = keepAliveAgent(CONCURRENCY);
      let fullAnswers = 0;
      const unexpected: object[] = [];
      let next = 0;
      const sender = async () => {
        while (next < REQUESTS) {
          const seq = next++;
          for (;;) {
            const answer = await send(source.url, JSON.stringify({ seq }), { agent });
            if (answer.status === 200) {
              if (answer.json[acknowledge] !== 1) unexpected.push(answer.json);
              break;
            }
            if (answer.status !== 429)
              throw new Error(`request ${seq}: unexpected ${answer.status} ${answer.json.error}`);
            fullAnswers++;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      };
      try {
        const [texts] = await Promise.all([
          collectTexts(source, REQUESTS),
          Promise.all(Array.from({ length: CONCURRENCY }, sender)),
        ]);
        expect(unexpected).toEqual([]); // every 200 says {"delivered": 1} or {"queued": 1}
        const seqs = texts.map((t) => (JSON.parse(t) as { seq: number }).seq);
        expect(seqs).toHaveLength(REQUESTS);
        expect(new Set(seqs).size).toBe(REQUESTS);
        expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: REQUESTS }, (_, i) => i));
        expect(source.counters).toMatchObject({
          received: REQUESTS + fullAnswers,
          accepted: REQUESTS,
          queued: REQUESTS,
          rejected: fullAnswers,
          rejections: expect.objectContaining({ queueFull: fullAnswers }),
        });
        expect(source.stats).toMatchObject({
          deliveredEvents: REQUESTS,
          bufferedEvents: 0,
          droppedEvents: 0,
        });
      } finally {
        agent.destroy();
        await source.close();
      }
    },
  );

  it('answers 429 for every request beyond the queue while nobody drains it, and loses none it accepted', async () => {
    const source = await openWebhookSource(
      { port: 0, maxQueue: 100, acknowledge: 'queued' },
      { batchSize: 1000, timeout: 1 },
    );
    const agent = keepAliveAgent(CONCURRENCY);
    try {
      const answers = await Promise.all(
        Array.from({ length: 300 }, (_, seq) => send(source.url, JSON.stringify({ seq }), { agent })),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(100);
      expect(statuses.filter((s) => s === 429)).toHaveLength(200);
      const accepted = answers.flatMap((a, seq) => (a.status === 200 ? [seq] : []));
      const texts = await collectTexts(source, 100);
      expect(texts.map((t) => (JSON.parse(t) as { seq: number }).seq).sort((a, b) => a - b)).toEqual(
        accepted,
      );
      expect(source.counters).toMatchObject({ received: 300, accepted: 100, rejected: 200, queued: 100 });
    } finally {
      agent.destroy();
      await source.close();
    }
  });
});
