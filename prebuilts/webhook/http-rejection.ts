/** Why the webhook refused a request; each has its own counter. */
export type WebhookRejectionReason =
  | 'notFound'
  | 'methodNotAllowed'
  | 'unauthorized'
  | 'forbidden'
  | 'unsupportedMediaType'
  | 'payloadTooLarge'
  | 'badRequest'
  | 'queueFull'
  | 'unavailable'
  | 'overloaded'
  | 'aborted'
  | 'closedBeforeDelivery'
  | 'internalError';

/** Every rejection reason, in a stable order. */
export const WEBHOOK_REJECTION_REASONS: readonly WebhookRejectionReason[] = [
  'notFound',
  'methodNotAllowed',
  'unauthorized',
  'forbidden',
  'unsupportedMediaType',
  'payloadTooLarge',
  'badRequest',
  'queueFull',
  'unavailable',
  'overloaded',
  'aborted',
  'closedBeforeDelivery',
  'internalError',
];

/** A request the webhook answers with an error status; the message is the response body's `error`. */
export class HttpRejection extends Error {
  constructor(
    /** The HTTP status the request is answered with, e.g. 401, 413 or 429. */
    readonly status: number,
    /** Why the request was refused; the webhook counts the refusal under this reason. */
    readonly reason: WebhookRejectionReason,
    message: string,
    /** Headers added to the answer, e.g. `retry-after` or `www-authenticate` (default: none). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpRejection';
  }
}
