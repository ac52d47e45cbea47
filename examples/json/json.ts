/**
 * An extractor-only plugin, like the official json plugin: fields over the JSON payload of the events of
 * other source plugins (any source whose events carry JSON: a webhook, a JSON-lines file, a SaaS audit
 * log). It has no source of its own; each event is parsed once, whatever fields the rules ask.
 */
import {
  BasePlugin,
  FieldExtraction,
  fieldsWithContext,
  jsonValueField,
  registerPlugin,
  type EventReader,
  type PluginInfo,
} from 'falco-plugin-sdk';

// #region plugin
interface Parsed {
  readonly json: unknown;
}

const field = fieldsWithContext<Parsed>();

export class JsonPlugin extends FieldExtraction(BasePlugin) {
  info(): PluginInfo {
    return {
      name: 'json',
      description: 'Fields over the JSON payload of plugin events',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
    };
  }

  override eventContext(event: EventReader): Parsed {
    try {
      return { json: JSON.parse(event.text()) };
    } catch {
      return { json: undefined };
    }
  }
  // #endregion plugin

  // #region fields
  fields() {
    return [
      jsonValueField<Parsed>(
        {
          name: 'json.value',
          desc: 'The value at a JSON pointer in the payload, e.g. json.value[/user/name]; strings as they are, other values as JSON',
        },
        (req) => req.context.json,
      ),
      field(
        {
          name: 'json.obj',
          type: 'string',
          desc: 'The payload as compact JSON (no value when it is not JSON)',
        },
        (req) => (req.context.json === undefined ? undefined : JSON.stringify(req.context.json)),
      ),
      field(
        { name: 'json.keys', type: 'string', isList: true, desc: 'The keys of the top-level JSON object' },
        (req) => {
          const json = req.context.json;
          return typeof json === 'object' && json !== null && !Array.isArray(json) ? Object.keys(json) : [];
        },
      ),
    ];
  }
  // #endregion fields
}

export default registerPlugin(JsonPlugin);
