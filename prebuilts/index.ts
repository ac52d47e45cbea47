/**
 * Ready-made source instances, driven by RxJS: `newPullInstance`, `newPushInstance` and a webhook source
 * built on push. They implement `nextBatch` with exact timeout, EOF and close semantics, so a plugin's
 * `open` only says where the events come from.
 *
 * @packageDocumentation
 * @module falco-plugin-sdk/prebuilts
 */
export type { SourceEvent } from './source-event';
export { DEFAULT_SOURCE_TIMEOUT_MS } from './source-options';
export type {
  SourceInstanceOptions,
  ResolvedSourceOptions,
  InvalidEventPolicy,
  SourceLogger,
} from './source-options';
export { InvalidEventError, checkSourceEvent } from './event-writer';
export type { EventProblem } from './event-writer';
export type { SourceInstance } from './source-instance';
export type { SourceStats } from './source-instance';
export { newPullInstance, PullInstance } from './pull-instance';
export type { PullFunction, PullResult, PullInstanceOptions } from './pull-instance';
export { newLineInstance } from './line-instance';
export type { LineInstanceOptions, LineInput } from './line-instance';
export { newPushInstance, PushInstance } from './push-instance';
export type { PushInstanceOptions, PushStats } from './push-instance';
export { PushQueue, DEFAULT_PUSH_QUEUE_CAPACITY } from './push-queue';
export type { OfferResult, DeliveryReceipt } from './push-queue';
export { PushOverflowError } from './push-sources';
export type { PushSource, OverflowPolicy } from './push-sources';
export { openWebhookSource, WebhookSource } from './webhook/webhook-source';
export type { WebhookSourceOptions } from './webhook/webhook-source';
export {
  WebhookConfigSchema,
  WebhookConfigObject,
  WebhookAuthSchema,
  WebhookReplaySchema,
  refineWebhookConfig,
  MAX_WEBHOOK_QUEUE,
  parseWebhookConfig,
  githubWebhookConfig,
  isLoopbackAddress,
  WEBHOOK_ACKNOWLEDGE_MODES,
} from './webhook/webhook-config';
export type {
  WebhookConfig,
  WebhookConfigInput,
  WebhookAuth,
  WebhookReplay,
  WebhookAcknowledge,
} from './webhook/webhook-config';
export { bodyAsEvent, bodyWithHeaders } from './webhook/webhook-server';
export type { WebhookRequest, WebhookToEvents } from './webhook/webhook-server';
export type { WebhookCounters } from './webhook/webhook-counters';
export { HttpRejection, WEBHOOK_REJECTION_REASONS } from './webhook/http-rejection';
export type { WebhookRejectionReason } from './webhook/http-rejection';
