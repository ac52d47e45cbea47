import { z } from 'zod';
import { PluginMetrics } from '../../lib/capabilities/metrics/metrics';
import { PushInstance } from '../push-instance';
import { PushQueue } from '../push-queue';
import { parseOptions, sourceOptionsShape, type SourceInstanceOptions } from '../source-options';
import {
  parseWebhookConfig,
  type WebhookAcknowledge,
  type WebhookConfig,
  type WebhookConfigInput,
} from './webhook-config';
import { WebhookCounterSet, type WebhookCounters } from './webhook-counters';
import { bodyAsEvent, bodyWithHeaders, WebhookServer, type WebhookToEvents } from './webhook-server';
import { ContractTypeError } from '../../lib/sdk/errors';

/** Room for the kept headers in an event, beyond the body: 16 KiB of headers, each byte escaped at worst. */
const HEADERS_ROOM = 6 * 16 * 1024 + 1024;

/**
 * Options of `openWebhookSource`: the push instance's, and how a body becomes events. `invalidEvents`
 * defaults to `'skip'` here (counted and logged): every event is checked before its request is answered,
 * so a refused event is never the sender's, and a failing `next_batch` would end the host's capture.
 */
export interface WebhookSourceOptions extends SourceInstanceOptions {
  /** Splits or transforms a body into events (default: the body is one event stamped with its arrival). */
  readonly toEvents?: WebhookToEvents;
  /**
   * The plugin's metrics (`this.metrics`): the source's counters are then published as monotonic metrics
   * (`webhook_requests_received`, `webhook_requests_accepted`, `webhook_requests_rejected`,
   * `webhook_events_queued`, `webhook_events_dropped_at_close`, `webhook_requests_duplicate`,
   * `webhook_connections_refused`), counting on across reopened sources.
   */
  readonly metrics?: PluginMetrics;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

const webhookOptionsShape = {
  ...sourceOptionsShape,
  maxEventSize: sourceOptionsShape.maxEventSize.optional(),
  invalidEvents: z.enum(['fail', 'skip', 'end']).default('skip'),
  toEvents: z
    .custom<WebhookToEvents>((value) => typeof value === 'function', 'must be a function')
    .optional(),
  metrics: z
    .custom<PluginMetrics>(
      (value) => value instanceof PluginMetrics,
      "must be the plugin's metrics (this.metrics)",
    )
    .optional(),
};

/**
 * A push instance fed by an HTTP(S) webhook. Each POST is authenticated and checked, its events checked
 * against the batch limits and queued. What its 2xx means depends on the config's `acknowledge`:
 *
 * - `'delivered'` (default): the request is answered 200 `{"delivered": n}` only once `nextBatch` has
 *   taken every one of its events into a batch returned to the host (at once when it makes none). A 2xx
 *   means delivered, also when the host stops: when the host closes the instance (`close`; it calls
 *   `nextBatch` no more), every request still waiting is answered 503 saying how many of its events were
 *   delivered, its queued events are dropped (counted in `counters.droppedAtClose` and
 *   `rejections.closedBeforeDelivery`, logged once), and the sender can retry.
 * - `'queued'`: the request is answered 200 `{"queued": n}` as soon as its events are queued. Events still
 *   queued when the host closes are drained if the host keeps calling `nextBatch`, else lost (logged once,
 *   counted in `stats.undeliveredEvents`).
 *
 * A full queue answers 429, a closing source 503; nothing is dropped silently.
 *
 * Closing the instance (or aborting its `signal`) stops the intake: the queue takes no more events, the
 * port is freed, new requests on open connections get 503, requests in flight get their real answer. When
 * the `signal` is aborted (the plugin stops the source while the host goes on), `nextBatch` goes on
 * returning the events already queued, then EOF (at once when nothing is queued, which also settles a
 * pending call); with `'delivered'`, their senders get 200 as they are taken.
 */
export class WebhookSource extends PushInstance {
  private hostClosed = false;

  /** @internal Use `openWebhookSource`. */
  constructor(
    queue: PushQueue,
    private readonly server: WebhookServer,
    private readonly counterSet: WebhookCounterSet,
    options: SourceInstanceOptions,
    /** When requests are answered 2xx (the config's `acknowledge`). */
    readonly acknowledge: WebhookAcknowledge = 'delivered',
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
   * The host closes the instance (the plugin's `close`; `nextBatch` is not called again). With
   * `acknowledge: 'delivered'`, every request still waiting for its events' delivery is answered 503 and
   * those events are dropped (counted, one warning); with `'queued'`, queued events stay deliverable by
   * `nextBatch`, then EOF (the drain). Resolves once the port is free and every request in flight has been
   * answered. Idempotent.
   */
  override async close(): Promise<void> {
    if (this.acknowledge === 'delivered' && !this.hostClosed) {
      this.hostClosed = true;
      this.queue.end(); // no more events: a request still being read gets 503
      const dropped = this.server.dropUndelivered(() => this.discardBuffered());
      if (dropped.requests > 0) {
        const partly =
          dropped.delivered > 0
            ? ` (${count(dropped.delivered, 'other event')} of those requests had been delivered)`
            : '';
        this.warn(
          `webhook: the host closed the source with ${count(dropped.events, 'event')} of ` +
            `${count(dropped.requests, 'request')} not delivered${partly}: dropped, and those requests were ` +
            `answered 503 so their senders can retry`,
        );
      }
    }
    await Promise.all([super.close(), this.server.close()]);
  }

  protected override drainWarning(left: number): string {
    if (this.acknowledge === 'queued') return super.drainWarning(left);
    return (
      `webhook: stopped with ${left} events queued but not yet delivered: next_batch returns them before EOF ` +
      `and their senders get 200 then; if the host closes the source first, they get 503`
    );
  }
}

/**
 * Starts a webhook source: validates the config, listens, and returns the instance to return from `open`.
 * With the default `acknowledge: 'delivered'`, a sender's 2xx means its events were taken by the host's
 * `next_batch`; with `'queued'`, that they were queued (see `WebhookSource`).
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
 *   `invalidEvents` to `'skip'`; `onClose` is called once the port is free and every request has been
 *   answered (so the counters are final).
 * @throws Error for a bad config or options, unreadable TLS files, or an address it cannot listen on.
 */
export async function openWebhookSource(
  config: WebhookConfigInput | WebhookConfig,
  options: WebhookSourceOptions = {},
): Promise<WebhookSource> {
  const checked = parseWebhookConfig(config);
  const { toEvents, metrics, ...instanceOptions } = parseOptions(
    'openWebhookSource',
    webhookOptionsShape,
    options,
  );
  const given = instanceOptions.maxEventSize;
  if (toEvents === undefined && given !== undefined && given < checked.maxBodyBytes) {
    throw new ContractTypeError(
      `openWebhookSource: maxEventSize (${given}) is smaller than maxBodyBytes (${checked.maxBodyBytes}): ` +
        `a body the webhook accepts would not fit a batch; lower maxBodyBytes instead`,
    );
  }
  const queue = new PushQueue({ capacity: checked.maxQueue });
  const counters = new WebhookCounterSet();
  if (metrics) counters.publishTo(metrics);
  const kept = checked.keepHeaders.length > 0;
  // with headers kept, the event is the body plus the headers, JSON-escaped (Node caps headers at 16 KiB)
  const maxEventSize = instanceOptions.maxEventSize ?? checked.maxBodyBytes + (kept ? HEADERS_ROOM : 0);
  const logger = instanceOptions.logger;
  const events = toEvents ?? (kept ? bodyWithHeaders(checked.keepHeaders) : bodyAsEvent);
  const server = new WebhookServer(checked, queue, counters, events, {
    maxEventSize,
    warn: (message) => (logger ? logger.warn(message) : console.warn(message)),
  });
  await server.listen();
  let source: WebhookSource;
  try {
    const { onClose } = instanceOptions;
    source = new WebhookSource(
      queue,
      server,
      counters,
      {
        ...instanceOptions,
        maxEventSize,
        // once every request is answered, so the counters it may read are final
        onClose: async () => {
          await server.close();
          await onClose?.();
        },
      },
      checked.acknowledge,
    );
  } catch (err) {
    await server.close();
    throw err;
  }
  return source;
}
