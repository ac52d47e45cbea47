/**
 * A Falco source plugin that receives JSON events over HTTP(S): SaaS alerts, CI notifications, anything a
 * webhook can send. The webhook prebuilt does the serving (auth, limits, backpressure); this plugin only
 * declares its config and the fields it extracts from the JSON body.
 */
// #region imports
import {
  BasePlugin,
  EventSourcing,
  FieldExtraction,
  fieldsWithContext,
  jsonValueField,
  registerPlugin,
  z,
  type EventReader,
  type PluginInfo,
} from 'falco-plugin-sdk';
import {
  openWebhookSource,
  refineWebhookConfig,
  WebhookConfigObject,
  type WebhookSource,
} from 'falco-plugin-sdk/prebuilts';
// #endregion imports

// #region config
/**
 * Init config: the webhook's settings (listen address, port, path, auth, TLS, limits, timeouts, when a
 * request is acknowledged) and the batch's size and timeout; `refineWebhookConfig` adds the checks spanning
 * several keys, so `init` refuses them.
 */
export const WebhookPluginConfig = refineWebhookConfig(
  WebhookConfigObject.extend({
    batchTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe('Longest a batch waits for more events, in milliseconds'),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(4096)
      .default(128)
      .describe(
        'Most events per batch (1 to 4096); a host that stops mid-batch skips the rest of that batch, ' +
          'so with 1 every event answered 2xx is also processed',
      ),
  }),
);
// #endregion config

// #region body
/** What every field of one event shares: the body, parsed once per event. */
interface ParsedBody {
  readonly text: string;
  readonly json: unknown;
}

/** A JSON value as a field string: strings as they are, anything else as JSON. */
const field = fieldsWithContext<ParsedBody>();
// #endregion body

// #region class
/** The plugin: a webhook event source, and fields over the JSON bodies it receives. */
export class WebhookPlugin extends FieldExtraction(
  EventSourcing(BasePlugin.withConfig(WebhookPluginConfig)),
) {
  info(): PluginInfo {
    return {
      id: 999,
      name: 'webhook',
      description: 'JSON events POSTed to an HTTP(S) endpoint',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
      requiredApiVersion: '3.11.0',
      eventSource: 'webhook',
    };
  }
  // #endregion class

  // #region open
  async open(): Promise<WebhookSource> {
    const { batchTimeoutMs, batchSize, ...webhook } = this.config;
    const source: WebhookSource = await openWebhookSource(webhook, {
      timeout: batchTimeoutMs,
      batchSize,
      logger: this.logger,
      // the counters become the plugin's metrics (get_metrics), e.g. webhook.webhook_requests_accepted
      metrics: this.metrics,
      onClose: () => {
        const { received, accepted, rejected, queued, droppedAtClose } = source.counters;
        this.logger.info(
          `webhook closed: ${received} requests, ${accepted} accepted, ${rejected} rejected, ${queued} events, ` +
            `${droppedAtClose} dropped at close`,
        );
      },
    });
    this.logger.info(`webhook listening on ${source.url}`);
    return source;
  }
  // #endregion open

  // #region fields
  /** One parse per event, shared by every field the host asks for. */
  override eventContext(event: EventReader): ParsedBody {
    const text = event.text();
    return { text, json: event.json() };
  }

  fields() {
    return [
      field(
        { name: 'webhook.body', type: 'string', desc: 'The JSON body of the request' },
        (req) => req.context.text,
      ),
      jsonValueField<ParsedBody>(
        {
          name: 'webhook.value',
          desc: 'The value at a JSON pointer in the body, e.g. webhook.value[/user/name]; strings as they are, other values as JSON',
        },
        (req) => req.context.json,
      ),
      field(
        { name: 'webhook.keys', type: 'string', isList: true, desc: 'The keys of the top-level JSON object' },
        (req) => {
          const json = req.context.json;
          return typeof json === 'object' && json !== null && !Array.isArray(json) ? Object.keys(json) : [];
        },
      ),
      field(
        { name: 'webhook.size', type: 'uint64', desc: 'The size of the body in bytes' },
        (req) => req.event.data.length,
      ),
    ];
  }
  // #endregion fields

  eventToString(event: EventReader): string {
    return event.text();
  }
}

export default registerPlugin(WebhookPlugin);
