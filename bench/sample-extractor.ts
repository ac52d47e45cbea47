/**
 * An extractor-only plugin for the benchmarks: fields of another plugin's events (the dummy's decimal
 * samples), as the official `json` plugin reads the events of other sources.
 */
import { BasePlugin, FieldExtraction, fieldsWithContext, registerPlugin } from 'falco-plugin-sdk';
import type { EventReader, PluginInfo } from 'falco-plugin-sdk';

const field = fieldsWithContext<number>();

class SampleExtractor extends FieldExtraction(BasePlugin) {
  info(): PluginInfo {
    return {
      name: 'sample',
      description: 'The samples of the dummy source, read by another plugin',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
      extractEventSources: ['dummy'],
    };
  }

  /** The sample, parsed once per event from its decimal text. */
  override eventContext(event: EventReader): number {
    return event.withPayload((bytes, start, end) => {
      let value = 0;
      for (let i = start; i < end; i++) value = value * 10 + bytes[i] - 48;
      return value;
    });
  }

  fields() {
    return [
      field({ name: 'sample.value', type: 'uint64', desc: 'The sample' }, (req) => req.context),
      field(
        { name: 'sample.even', type: 'bool', desc: 'Whether the sample is even' },
        (req) => req.context % 2 === 0,
      ),
    ];
  }
}

export default registerPlugin(SampleExtractor);
