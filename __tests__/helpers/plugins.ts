/* Small plugins built for the tests, each exercising one SDK behaviour. */
import {
  BaseInstance,
  EOF,
  BasePlugin,
  EventSourcing,
  FieldExtraction,
  registerPlugin,
  type BatchOutcome,
  type EventBatch,
  type EventReader,
  type FieldDefinition,
  type PluginInfo,
} from 'falco-plugin-sdk';

/** An instance whose nextBatch is the given function. */
export class FnInstance extends BaseInstance {
  constructor(
    private readonly fn: (batch: EventBatch, call: number) => BatchOutcome | Promise<BatchOutcome>,
    options: ConstructorParameters<typeof BaseInstance>[0] = {},
    private readonly onClose?: () => void,
  ) {
    super(options);
  }
  private calls = 0;
  nextBatch(batch: EventBatch) {
    return this.fn(batch, this.calls++);
  }
  override close() {
    this.onClose?.();
  }
}

/** Registers a source plugin (id 999, source "test") whose `open` returns `makeInstance(params)`. */
export function sourcePlugin(makeInstance: (params: string) => BaseInstance | Promise<BaseInstance>) {
  class TestSource extends EventSourcing(BasePlugin) {
    info(): PluginInfo {
      return {
        id: 999,
        name: 'testsource',
        description: 'test source',
        contact: 'tests',
        version: '1.0.0',
        eventSource: 'test',
      };
    }
    open(params: string) {
      return makeInstance(params);
    }
  }
  return registerPlugin(TestSource);
}

/**
 * Registers a plugin that is a source (emitting `payloads` in one batch with EOF) and an extractor of `fields`, with an
 * optional per-event context.
 */
export function sourceExtractor<Ctx>(
  payloads: readonly (string | Uint8Array)[],
  fields: () => readonly FieldDefinition<Ctx>[],
  eventContext?: (text: string) => Ctx,
) {
  class TestExtractor extends FieldExtraction(EventSourcing(BasePlugin)) {
    info(): PluginInfo {
      return {
        id: 999,
        name: 'testextract',
        description: 'test',
        contact: 'tests',
        version: '1.0.0',
        eventSource: 'test',
      };
    }
    open() {
      return new FnInstance((batch) => {
        for (const p of payloads) batch.write(p);
        return EOF;
      });
    }
    override eventContext(event: EventReader): Ctx {
      // without a context function the fields read no context (Ctx is then unknown)
      return (eventContext ? eventContext(event.text()) : undefined) as Ctx;
    }
    fields() {
      return fields();
    }
  }
  return registerPlugin(TestExtractor);
}
