import { z } from 'zod';
import { PushInstance } from '../push-instance';
import { PushQueue } from '../push-queue';
import { parseOptions, sourceOptionsShape, type SourceInstanceOptions } from '../source-options';
import { parseWebhookConfig, type WebhookConfig, type WebhookConfigInput } from './webhook-config';
import { WebhookCounterSet, type WebhookCounters } from './webhook-counters';
import { bodyAsEvent, WebhookServer, type WebhookToEvents } from './webhook-server';

/**
 * Options of `openWebhookSource`: the push instance's, and how a body becomes events. `invalidEvents`
 * defaults to `'skip'` here (counted and logged): every event is checked before its request is answered,
 * so a refused event is never the sender's, and a failing `next_batch` would end the host's capture.
 */
export interface WebhookSourceOptions extends SourceInstanceOptions {
  /** Splits or transforms a body into events (default: the body is one event stamped with its arrival). */
  readonly toEvents?: WebhookToEvents;
}

const webhookOptionsShape = {
  ...sourceOptionsShape,
  maxEventSize: sourceOptionsShape.maxEventSize.optional(),
  invalidEvents: z.enum(['fail', 'skip', 'end']).default('skip'),
  toEvents: z
    .custom<WebhookToEvents>((value) => typeof value === 'function', 'must be a function')
    .optional(),
};

/**
 * A push instance fed by an HTTP(S) webhook. Each POST is authenticated and checked, its events checked
 * against the batch limits and queued, and only then answered 200: a 200 means the events will be
 * delivered. A full queue answers 429, a closing source 503; nothing is dropped silently.
 *
 * Closing the instance (or aborting its `signal`) drains it: the queue takes no more events, the port is
 * freed, new requests on open connections get 503, requests in flight get their real answer (200 only if
 * queued before the close, else 503), and `nextBatch` goes on returning the events already queued, then
 * EOF (at once when nothing is queued, which also settles a pending call). Events still queued at the
 * close are logged once with their count and counted in `stats.undeliveredEvents`: a host that stops
 * calling `next_batch` after closing loses them.
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

  /** Open HTTP connections (those beyond `maxConnections` included until they are closed). */
  get openConnections(): number {
    return this.server.openConnections;
  }

  /** Requests received, accepted and rejected (by reason), and events queued. */
  get counters(): WebhookCounters {
    return this.counterSet.snapshot();
  }

  /**
   * Stops the source and drains it (see the class): resolves once the port is free and every request in
   * flight has been answered; queued events stay deliverable by `nextBatch`, then EOF.
   */
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
 * @param options - the push instance's options; `maxEventSize` defaults to the config's `maxBodyBytes`,
 *   `invalidEvents` to `'skip'`.
 * @throws Error for a bad config or options, unreadable TLS files, or an address it cannot listen on.
 */
export async function openWebhookSource(
  config: WebhookConfigInput | WebhookConfig,
  options: WebhookSourceOptions = {},
): Promise<WebhookSource> {
  const checked = parseWebhookConfig(config);
  const { toEvents, ...instanceOptions } = parseOptions('openWebhookSource', webhookOptionsShape, options);
  const given = instanceOptions.maxEventSize;
  if (toEvents === undefined && given !== undefined && given < checked.maxBodyBytes) {
    throw new TypeError(
      `openWebhookSource: maxEventSize (${given}) is smaller than maxBodyBytes (${checked.maxBodyBytes}): ` +
        `a body the webhook accepts would not fit a batch; lower maxBodyBytes instead`,
    );
  }
  const queue = new PushQueue({ capacity: checked.maxQueue });
  const counters = new WebhookCounterSet();
  const maxEventSize = instanceOptions.maxEventSize ?? checked.maxBodyBytes;
  const server = new WebhookServer(checked, queue, counters, toEvents ?? bodyAsEvent, { maxEventSize });
  await server.listen();
  let source: WebhookSource;
  try {
    source = new WebhookSource(queue, server, counters, {
      ...instanceOptions,
      maxEventSize,
    });
  } catch (err) {
    await server.close();
    throw err;
  }
  return source;
}
