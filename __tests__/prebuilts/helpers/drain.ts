/* Drives a source instance like the host: next_batch until enough events arrived (or EOF). */
import { EOF, type NextBatch } from 'falco-plugin-sdk';
import { TestBatch } from './batches';

/** Collects the payloads of `count` events (fewer at EOF), calling `nextBatch` as the host does. */
export async function collectTexts(
  instance: NextBatch & { batchOptions?: { batchSize?: number; maxEventSize?: number } },
  count: number,
): Promise<string[]> {
  const batch = new TestBatch(instance.batchOptions ?? {});
  const texts: string[] = [];
  while (texts.length < count) {
    const outcome = await instance.nextBatch(batch.reset());
    texts.push(...batch.texts());
    if (outcome === EOF) break;
  }
  return texts;
}
