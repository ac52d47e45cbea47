import type { Metric, PluginMetrics } from '../../lib/capabilities/metrics/metrics';
import { WEBHOOK_REJECTION_REASONS, type WebhookRejectionReason } from './http-rejection';

/** What a webhook source has seen. `received === accepted + rejected` once no request is in flight. */
export interface WebhookCounters {
  /** Requests received, on any path. */
  readonly received: number;
  /**
   * Requests answered 2xx: their events were delivered to the host (`acknowledge: 'delivered'`) or queued
   * (`'queued'`).
   */
  readonly accepted: number;
  /** Requests refused, all reasons together (those answered 503 at the close included). */
  readonly rejected: number;
  /** Events queued for the host (a request may carry several with `toEvents`). */
  readonly queued: number;
  /**
   * Events queued, then dropped because the host closed the source before taking them
   * (`acknowledge: 'delivered'`; their requests were answered 503, counted in
   * `rejections.closedBeforeDelivery`).
   */
  readonly droppedAtClose: number;
  /** Requests answered 200 without queuing, as repeats of a delivery id already queued (counted in accepted). */
  readonly duplicates: number;
  /** Connections beyond `maxConnections`, answered 503 (HTTP) or closed at once (HTTPS). */
  readonly refusedConnections: number;
  /** Refused requests by reason. */
  readonly rejections: Readonly<Record<WebhookRejectionReason, number>>;
}

/** The counters published as metrics, by the metric name (`webhook_<counter>`). */
const PUBLISHED = {
  received: 'webhook_requests_received',
  accepted: 'webhook_requests_accepted',
  rejected: 'webhook_requests_rejected',
  queued: 'webhook_events_queued',
  droppedAtClose: 'webhook_events_dropped_at_close',
  duplicates: 'webhook_requests_duplicate',
  refusedConnections: 'webhook_connections_refused',
} as const;
type PublishedCounter = keyof typeof PUBLISHED;

/**
 * The mutable counters behind `WebhookCounters`. With `publishTo`, each is also a monotonic metric of the
 * plugin, updated as it changes (counting on from the metric's value, so a reopened source adds up).
 */
export class WebhookCounterSet {
  private readonly values: Record<PublishedCounter, number> = {
    received: 0,
    accepted: 0,
    rejected: 0,
    queued: 0,
    droppedAtClose: 0,
    duplicates: 0,
    refusedConnections: 0,
  };
  private readonly byReason = new Map<WebhookRejectionReason, number>();
  private metrics: { metric: Metric; base: number }[] | undefined;

  get received(): number {
    return this.values.received;
  }
  set received(n: number) {
    this.update('received', n);
  }
  get accepted(): number {
    return this.values.accepted;
  }
  set accepted(n: number) {
    this.update('accepted', n);
  }
  get queued(): number {
    return this.values.queued;
  }
  set queued(n: number) {
    this.update('queued', n);
  }
  get droppedAtClose(): number {
    return this.values.droppedAtClose;
  }
  set droppedAtClose(n: number) {
    this.update('droppedAtClose', n);
  }
  get duplicates(): number {
    return this.values.duplicates;
  }
  set duplicates(n: number) {
    this.update('duplicates', n);
  }
  get refusedConnections(): number {
    return this.values.refusedConnections;
  }
  set refusedConnections(n: number) {
    this.update('refusedConnections', n);
  }

  /** Counts a refused request. */
  reject(reason: WebhookRejectionReason): void {
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    this.update('rejected', this.values.rejected + 1);
  }

  /** Publishes the counters as monotonic metrics of a plugin (`webhook_requests_received`, ...). */
  publishTo(metrics: PluginMetrics): void {
    this.metrics = (Object.keys(PUBLISHED) as PublishedCounter[]).map((counter) => {
      const metric = metrics.define({ name: PUBLISHED[counter], type: 'monotonic' });
      return { metric, base: metric.value - this.values[counter] };
    });
  }

  private update(counter: PublishedCounter, value: number): void {
    this.values[counter] = value;
    const published = this.metrics?.[Object.keys(PUBLISHED).indexOf(counter)];
    published?.metric.set(published.base + value);
  }

  /** A snapshot. */
  snapshot(): WebhookCounters {
    const rejections = Object.fromEntries(
      WEBHOOK_REJECTION_REASONS.map((r) => [r, this.byReason.get(r) ?? 0]),
    ) as Record<WebhookRejectionReason, number>;
    const rejected = Object.values(rejections).reduce((sum, n) => sum + n, 0);
    return {
      received: this.received,
      accepted: this.accepted,
      rejected,
      queued: this.queued,
      droppedAtClose: this.droppedAtClose,
      duplicates: this.duplicates,
      refusedConnections: this.refusedConnections,
      rejections,
    };
  }
}
