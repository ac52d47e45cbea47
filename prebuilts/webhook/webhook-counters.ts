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

/** The mutable counters behind `WebhookCounters`. */
export class WebhookCounterSet {
  received = 0;
  accepted = 0;
  queued = 0;
  droppedAtClose = 0;
  duplicates = 0;
  refusedConnections = 0;
  private readonly byReason = new Map<WebhookRejectionReason, number>();

  /** Counts a refused request. */
  reject(reason: WebhookRejectionReason): void {
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
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
