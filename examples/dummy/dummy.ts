/**
 * The reference `dummy` plugin of the Falco project, in TypeScript: a source of increasing samples with
 * random jitter, and fields to extract them.
 */
// #region imports
import {
  BaseInstance,
  BasePlugin,
  EOF,
  EventSourcing,
  FieldExtraction,
  fieldsWithContext,
  registerPlugin,
  z,
  type EventBatch,
  type EventReader,
  type PluginInfo,
} from 'falco-plugin-sdk';
// #endregion imports

// #region config
/** Init config: how much each sample may jump beyond +1. */
export const DummyConfig = z.object({
  jitter: z
    .number()
    .int()
    .min(0)
    .default(10)
    .describe('A random amount added to the sample of each event, between 0 and jitter'),
});
// #endregion config

// #region open-params
/** Open params: where the samples start and how many events to produce. */
export const DummyOpenParams = z.object({
  start: z.number().int().min(0).default(1).describe('The sample the event stream starts from'),
  maxEvents: z.number().int().min(0).default(20).describe('How many events to produce before EOF'),
});

type OpenParams = z.output<typeof DummyOpenParams>;
// #endregion open-params

// #region instance
/** Produces `maxEvents` samples, each `1 + random(0..jitter)` above the previous one. */
class DummyInstance extends BaseInstance {
  private sample: number;
  private produced = 0;

  constructor(
    private readonly jitter: number,
    private readonly params: OpenParams,
  ) {
    super({ batchSize: 128 });
    this.sample = params.start;
  }

  nextBatch(batch: EventBatch) {
    const now = BigInt(Date.now()) * 1_000_000n;
    while (!batch.full && this.produced < this.params.maxEvents) {
      this.sample += 1 + (this.jitter > 0 ? Math.floor(Math.random() * (this.jitter + 1)) : 0);
      batch.write(String(this.sample), now);
      this.produced++;
    }
    return this.produced >= this.params.maxEvents ? EOF : undefined;
  }

  progress() {
    const value = this.params.maxEvents === 0 ? 1 : this.produced / this.params.maxEvents;
    return { value, detail: `${this.produced} of ${this.params.maxEvents} events` };
  }
}
// #endregion instance

// #region payload
/** Reads the ASCII decimal sample of a payload, in place. */
function parseSample(bytes: Uint8Array, start: number, end: number): number {
  let sample = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i] - 48;
    if (digit < 0 || digit > 9 || end - start > 15) {
      throw new Error(`payload "${Buffer.from(bytes.subarray(start, end)).toString()}" is not a sample`);
    }
    sample = sample * 10 + digit;
  }
  if (start === end) throw new Error('the payload is empty, not a sample');
  return sample;
}

const field = fieldsWithContext<number>();
// #endregion payload

// #region class-info
/** The plugin: an event source of samples, and fields over them. */
export class DummyPlugin extends FieldExtraction(EventSourcing(BasePlugin.withConfig(DummyConfig))) {
  override readonly openParamsSchema = DummyOpenParams;

  info(): PluginInfo {
    return {
      id: 999,
      name: 'dummy',
      description: 'Reference plugin for educational purposes',
      contact: 'github.com/falcosecurity/plugins',
      version: '0.11.5',
      requiredApiVersion: '3.11.0',
      eventSource: 'dummy',
    };
  }
  // #endregion class-info

  // #region open
  open(params: OpenParams): DummyInstance {
    return new DummyInstance(this.config.jitter, params);
  }

  openParams() {
    return [{ value: '{"start":1,"maxEvents":20}', desc: 'Samples from 1, 20 events' }];
  }
  // #endregion open

  // #region fields
  /** One parse per event: the sample, shared by every field. */
  override eventContext(event: EventReader): number {
    return event.withPayload(parseSample);
  }

  fields() {
    return [
      field(
        {
          name: 'dummy.divisible',
          type: 'uint64',
          desc: 'Return 1 if the value is divisible by the provided divisor, 0 otherwise',
          arg: { isRequired: true, isIndex: true },
        },
        (req) => {
          if (req.argIndex === 0) throw new Error('the divisor must be greater than 0');
          return req.context % req.argIndex === 0 ? 1 : 0;
        },
      ),
      field(
        { name: 'dummy.value', type: 'uint64', desc: 'The sample value in the event' },
        (req) => req.context,
      ),
      field(
        { name: 'dummy.strvalue', type: 'string', desc: 'The sample value in the event, as a string' },
        (req) => String(req.context),
      ),
    ];
  }
  // #endregion fields

  // #region to-string
  eventToString(event: EventReader): string {
    return `{"sample": "${event.text()}"}`;
  }
  // #endregion to-string
}

// #region register
export default registerPlugin(DummyPlugin);
// #endregion register
