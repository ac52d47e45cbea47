import { z } from 'zod';
import { PushInstance } from '../push-instance';
import { PushQueue } from '../push-queue';
import { parseOptions, sourceOptionsShape, type SourceInstanceOptions } from '../source-options';
import { parseWebhookConfig, type WebhookConfig, type WebhookConfigInput } from './webhook-config';
import { WebhookCounterSet, type WebhookCounters } from './webhook-counters';
import { bodyAsEvent, WebhookServer, type WebhookToEvents } from './webhook-server';

/** Options of `openWebhookSource`: the push instance's, and how a body becomes events. */
export interface WebhookSourceOptions extends SourceInstanceOptions {
  /** Splits or transforms a body into events (default: the body is one event stamped with its arrival). */
  readonly toEvents?: WebhookToEvents;
}

const webhookOptionsShape = {
  ...sourceOptionsShape,
  maxEventSize: sourceOptionsShape.maxEventSize.optional(),
  toEvents: z
    .custom<WebhookToEvents>((value) => typeof value === 'function', 'must be a function')
    .optional(),
};

/**
 * A push instance fed by an HTTP(S) webhook. Each POST is authenticated and checked, its event queued, and
 * only then answered 200; a full queue answers 429, a closed source 503; nothing is dropped silently.
 * Closing the instance (or aborting its `signal`) closes the server and frees the port.
 */
export class WebhookSource extends PushInstance {
  /** @internal Use `openWebhookSource`. */
  constructor(
    queue: PushQueue,
    private readonly server: WebhookServer,
    private readonly counterSet: WebhookCounterSet,
    options: SourceInstanceOptions,
  ) {
    super(queue, options, 'webhook');
    this.resources.add(() => void this.server.close());
  }

  /** The URL senders POST to, with the port actually bound. */
  get url(): string {
    return this.server.url;
  }

  /** The port listened on (the chosen one when configured with 0). */
  get port(): number {
    return this.server.port;
  }

  /** Requests received, accepted and rejected (by reason), and events queued. */
  get counters(): WebhookCounters {
    return this.counterSet.snapshot();
  }

  /** Stops the source (a pending `nextBatch` returns EOF), closes the server and frees the port. */
  override async close(): Promise<void> {
    await Promise.all([super.close(), this.server.close()]);
  }
}

/**
 * Starts a webhook source: validates the config, listens, and returns the instance to return from `open`.
 *
 * @example
 * async open() {
 *   const source = await openWebhookSource(this.config);
 *   this.logger.info(`listening on ${source.url}`);
 *   return source;
 * }
 *
 * @param config - a `WebhookConfigSchema` value (parsed or not; it is validated here).
 * @param options - the push instance's options; `maxEventSize` defaults to the config's `maxBodyBytes`.
 * @throws Error for a bad config or options, unreadable TLS files, or an address it cannot listen on.
 */
export async function openWebhookSource(
  config: WebhookConfigInput | WebhookConfig,
  options: WebhookSourceOptions = {},
): Promise<WebhookSource> {
  const checked = parseWebhookConfig(config);
  const { toEvents, ...instanceOptions } = parseOptions('openWebhookSource', webhookOptionsShape, options);
  const { maxEventSize } = instanceOptions;
  if (toEvents === undefined && maxEventSize !== undefined && maxEventSize < checked.maxBodyBytes) {
    throw new TypeError(
      `openWebhookSource: maxEventSize (${maxEventSize}) is smaller than maxBodyBytes (${checked.maxBodyBytes}): ` +
        `a body the webhook accepts would not fit a batch; lower maxBodyBytes instead`,
    );
  }
  const queue = new PushQueue({ capacity: checked.maxQueue });
  const counters = new WebhookCounterSet();
  const server = new WebhookServer(checked, queue, counters, toEvents ?? bodyAsEvent);
  await server.listen();
  let source: WebhookSource;
  try {
    source = new WebhookSource(queue, server, counters, {
      ...instanceOptions,
      maxEventSize: instanceOptions.maxEventSize ?? checked.maxBodyBytes,
    });
  } catch (err) {
    await server.close();
    throw err;
  }
  return source;
}
