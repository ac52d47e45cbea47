import { z } from 'zod';
import { DEFAULT_MAX_EVENT_SIZE } from '../../lib/index';
import { describeZodError } from '../../lib/sdk/json-input';
import { DEFAULT_PUSH_QUEUE_CAPACITY } from '../push-queue';

const AUTH_TYPES = ['none', 'token', 'hmac'] as const;

/** How requests authenticate, as resolved from the config. */
export type WebhookAuth =
  | {
      /** No authentication: every request is accepted. */
      readonly type: 'none';
    }
  | {
      /** A shared token in a header. */
      readonly type: 'token';
      /** The token requests must carry. */
      readonly token: string;
      /** The header carrying it, in lower case (`authorization`, as `Bearer <token>`, by default). */
      readonly header: string;
    }
  | {
      /** The HMAC of the body with a shared secret, in a header. */
      readonly type: 'hmac';
      /** The HMAC key. */
      readonly secret: string;
      /** The header carrying the signature, in lower case (`x-signature-256` by default). */
      readonly header: string;
      /** The hash of the HMAC. */
      readonly algorithm: 'sha256' | 'sha512';
    };

/**
 * How requests authenticate: `none`; `token` (a shared secret in a header, `Authorization: Bearer <token>`
 * by default); or `hmac` (the HMAC of the body with a shared secret, `x-signature-256: sha256=<hex>` by
 * default, the `sha256=` prefix optional). GitHub signs in `x-hub-signature-256`: set `header` to it, or
 * start from `githubWebhookConfig`. One flat object, so the host's schema validation names the bad key.
 */
export const WebhookAuthSchema = z
  .object({
    /** How requests authenticate: `none` (default), `token` or `hmac`. */
    type: z.enum(AUTH_TYPES).default('none').describe('none, token or hmac'),
    /** The shared token, at least 16 characters (type `token`). */
    token: z
      .string()
      .min(16, 'the token must be at least 16 characters')
      .optional()
      .describe('The shared token (type token)'),
    /** The HMAC key, at least 16 characters (type `hmac`). */
    secret: z
      .string()
      .min(16, 'the secret must be at least 16 characters')
      .optional()
      .describe('The HMAC key (type hmac)'),
    /**
     * The header carrying the token (default `authorization`, as `Bearer <token>`) or the signature (default
     * `x-signature-256`).
     */
    header: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The header carrying the token (default authorization: "Bearer <token>") or the signature (default x-signature-256)',
      ),
    /** The HMAC hash, `sha256` (default) or `sha512` (type `hmac`). */
    algorithm: z.enum(['sha256', 'sha512']).default('sha256').describe('The HMAC hash (type hmac)'),
  })
  .superRefine((auth, context) => {
    const problem = (key: string, message: string) =>
      context.addIssue({ code: z.ZodIssueCode.custom, path: [key], message });
    if (auth.type === 'token' && auth.token === undefined) problem('token', 'required when type is "token"');
    if (auth.type === 'hmac' && auth.secret === undefined) problem('secret', 'required when type is "hmac"');
    if (auth.type !== 'token' && auth.token !== undefined)
      problem('token', `set, but type is "${auth.type}": set type: token`);
    if (auth.type !== 'hmac' && auth.secret !== undefined)
      problem('secret', `set, but type is "${auth.type}": set type: hmac`);
  })
  .transform((auth): WebhookAuth => {
    if (auth.type === 'token')
      return {
        type: 'token',
        token: auth.token ?? '',
        header: (auth.header ?? 'authorization').toLowerCase(),
      };
    if (auth.type === 'hmac') {
      return {
        type: 'hmac',
        secret: auth.secret ?? '',
        header: (auth.header ?? 'x-signature-256').toLowerCase(),
        algorithm: auth.algorithm,
      };
    }
    return { type: 'none' };
  });

/** The values of the config's `acknowledge` key. */
export const WEBHOOK_ACKNOWLEDGE_MODES = ['delivered', 'queued'] as const;

/**
 * When a webhook answers a request 2xx:
 *
 * - `'delivered'` (default): once every event the request made has been taken by `nextBatch` into a
 *   batch returned to the host (`{"delivered": n}`). When the host closes the instance first, the request
 *   is answered 503 instead, saying how many of its events were delivered; so a 2xx means delivered, also
 *   when the host stops.
 * - `'queued'`: as soon as its events are queued (`{"queued": n}`). Lower latency per request, but events
 *   still queued when the host stops calling `next_batch` are lost (counted and logged).
 */
export type WebhookAcknowledge = (typeof WEBHOOK_ACKNOWLEDGE_MODES)[number];

/** Largest `maxQueue`: the queue grows with use, but a bound keeps a typo from allowing gigabytes. */
export const MAX_WEBHOOK_QUEUE = 1_000_000;

const milliseconds = (min: number, max: number, fallback: number, what: string) =>
  z
    .number()
    .int()
    .min(min)
    .max(max)
    .default(fallback)
    .describe(`${what}, in milliseconds (${min} to ${max})`);

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
  .transform((name) => name.toLowerCase());

/**
 * Optional replay protection, for senders that support it:
 *
 * - `timestampHeader`: the header carrying the send time in Unix seconds. The HMAC then covers
 *   `<timestamp>.<body>` (as Stripe and Slack do), and a request whose timestamp is more than
 *   `toleranceSeconds` away from the webhook's clock is refused (403) before its body is read. HMAC only.
 * - `deliveryIdHeader`: the header carrying a unique id per delivery (`x-github-delivery`, ...). A delivery
 *   id already queued in the last `deliveryIdTtlSeconds` is answered 200 `{"queued":0,"duplicate":true}`
 *   without queuing its events again, so a sender retrying after a lost answer stops retrying. At most
 *   `maxDeliveryIds` ids are remembered (the oldest are forgotten first). The id is checked after
 *   authentication; pair it with `timestampHeader` so an id cannot be changed on a captured request for
 *   longer than the tolerance.
 */
export const WebhookReplaySchema = z
  .object({
    /**
     * The header with the send time in Unix seconds; the HMAC then covers `<timestamp>.<body>` (HMAC only).
     */
    timestampHeader: headerName
      .optional()
      .describe('Header with the send time in Unix seconds, covered by the HMAC as "<timestamp>.<body>"'),
    /**
     * Largest difference between the timestamp and the webhook's clock, in seconds (1 to 3600, default 300).
     */
    toleranceSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(300)
      .describe('Largest difference between the timestamp and the clock, in seconds (1 to 3600)'),
    /**
     * The header with a unique id per delivery; a repeated id is answered without queuing its events again.
     */
    deliveryIdHeader: headerName
      .optional()
      .describe('Header with a unique id per delivery, for deduplication'),
    /** How long a delivery id is remembered, in seconds (1 to 86400, default 3600). */
    deliveryIdTtlSeconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(3600)
      .describe('How long a delivery id is remembered, in seconds (1 to 86400)'),
    /** Most delivery ids remembered, the oldest forgotten first (1 to 1000000, default 100000). */
    maxDeliveryIds: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(100_000)
      .describe('Most delivery ids remembered (1 to 1000000)'),
  })
  .strict();

/** Replay protection as resolved from the config. */
export type WebhookReplay = z.output<typeof WebhookReplaySchema>;

/**
 * The keys of a webhook configuration, as a zod object a plugin extends with its own keys. Give the
 * result to `refineWebhookConfig` (which adds the checks spanning several keys) before using it as an init
 * schema; `WebhookConfigSchema` is this object, refined. `acknowledge` says what a sender's 2xx means
 * (`'delivered'` by default: the host took its events; see `WebhookAcknowledge`).
 *
 * @example
 * override readonly initSchema = refineWebhookConfig(
 *   WebhookConfigObject.extend({ batchTimeoutMs: z.number().int().positive().default(30) }),
 * );
 */
export const WebhookConfigObject = z.object({
  /** The address to listen on (default `127.0.0.1`: local senders only). */
  listenAddress: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('The address to listen on; the default accepts only local senders'),
  /** The TCP port (default 8765); 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(8765).describe('The TCP port; 0 picks a free one'),
  /** The URL path events are POSTed to (default `/events`); other paths get 404. */
  path: z
    .string()
    .regex(/^\/[^?#]*$/, 'must start with "/" and have no query or fragment')
    .default('/events')
    .describe('The URL path events are POSTed to'),
  /**
   * How senders authenticate (default: `none`, refused on a non-loopback address without
   * `allowUnauthenticated`).
   */
  auth: WebhookAuthSchema.default({}).describe('How senders authenticate'),
  /** Accept auth `none` on a non-loopback listen address (default `false`). */
  allowUnauthenticated: z
    .boolean()
    .default(false)
    .describe('Accept auth "none" on a non-loopback listen address'),
  /** Serve HTTPS with this certificate and key (default: plain HTTP). */
  tls: z
    .object({
      /** The PEM certificate (chain) file. */
      certFile: z.string().min(1).describe('PEM certificate (chain) file'),
      /** The PEM private key file. */
      keyFile: z.string().min(1).describe('PEM private key file'),
    })
    .optional()
    .describe('Serve HTTPS with this certificate and key'),
  /** Largest request body in bytes (at most 64 MiB, default 256 KiB); larger requests get 413. */
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024)
    .default(DEFAULT_MAX_EVENT_SIZE)
    .describe('Largest request body in bytes (at most 64 MiB); larger requests get 413'),
  /** Most events waiting for the host (at most 1000000, default 1024); when full, requests get 429. */
  maxQueue: z
    .number()
    .int()
    .positive()
    .max(MAX_WEBHOOK_QUEUE)
    .default(DEFAULT_PUSH_QUEUE_CAPACITY)
    .describe('Most events waiting for the host (at most 1000000); when full, requests get 429'),
  /**
   * Accepted media types (default `application/json`); JSON ones (`application/json` and the `+json` types)
   * must hold valid JSON.
   */
  contentTypes: z
    .array(z.string().min(1))
    .min(1)
    .default(['application/json'])
    .describe('Accepted media types; JSON ones (application/json, */*+json) must hold valid JSON'),
  /** Most open connections (1 to 65536, default 256); beyond it, new connections get 503 and are closed. */
  maxConnections: z
    .number()
    .int()
    .min(1)
    .max(65_536)
    .default(256)
    .describe(
      'Most open connections (1 to 65536); beyond it new connections get 503 and are closed. The webhook ' +
        'holds at most maxConnections + 64 file descriptors: keep that well below the limit (ulimit -n)',
    ),
  /**
   * HMAC: most bytes of request bodies held before their signature is checked, all requests together (default
   * 16 MiB); beyond it 503.
   */
  maxPendingBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024)
    .describe(
      'HMAC: most bytes of request bodies held before their signature is checked, all requests together; beyond it 503',
    ),
  /** Longest wait for the request headers, in milliseconds (100 to 300000, default 10000). */
  headersTimeout: milliseconds(100, 300_000, 10_000, 'Longest wait for the request headers'),
  /** Longest wait for a whole request, headers and body, in milliseconds (100 to 600000, default 30000). */
  requestTimeout: milliseconds(100, 600_000, 30_000, 'Longest wait for a whole request, headers and body'),
  /** How long an idle keep-alive connection stays open, in milliseconds (100 to 300000, default 5000). */
  keepAliveTimeout: milliseconds(100, 300_000, 5_000, 'How long an idle keep-alive connection stays open'),
  /** Replay protection: signed timestamps, delivery ids (default: none). */
  replay: WebhookReplaySchema.optional().describe('Replay protection: signed timestamps, delivery ids'),
  /**
   * Request headers carried into each event with the body, at most 32 (default: none): the event is then
   * `{"headers":{...},"body":...}`.
   */
  keepHeaders: z
    .array(headerName)
    .max(32)
    .default([])
    .describe(
      'Request headers carried into each event with the body: the event is then ' +
        '{"headers":{"<name>":"<value>"|null},"body":<the JSON body, or the text>}',
    ),
  /**
   * When a request gets its 2xx: `delivered` (default) once the host took all its events, or `queued` (see
   * `WebhookAcknowledge`).
   */
  acknowledge: z
    .enum(WEBHOOK_ACKNOWLEDGE_MODES)
    .default('delivered')
    .describe(
      'When a request gets its 2xx: "delivered" (default) once the host has taken all its events, so a 2xx ' +
        'means delivered even if the host stops (then waiting requests get 503); "queued" as soon as they are ' +
        'queued (no wait, but events still queued when the host stops are lost)',
    ),
});

type WebhookConfigShape = typeof WebhookConfigObject.shape;

/**
 * Adds the checks spanning several keys to a webhook config object (or an extension of it), so `init`
 * refuses a bad combination naming the key: auth `none` on a non-loopback address without
 * `allowUnauthenticated`; `headersTimeout` above `requestTimeout`; replay options that need HMAC.
 */
export function refineWebhookConfig<S extends WebhookConfigShape>(schema: z.ZodObject<S>) {
  return schema.superRefine((value, context) => {
    const config = value as unknown as z.output<typeof WebhookConfigObject>;
    const problem = (path: (string | number)[], message: string) =>
      context.addIssue({ code: z.ZodIssueCode.custom, path, message });
    if (
      config.auth.type === 'none' &&
      !config.allowUnauthenticated &&
      !isLoopbackAddress(config.listenAddress)
    ) {
      problem(
        ['auth'],
        `"none" on listenAddress ${config.listenAddress} lets anyone who can reach it inject events; ` +
          `configure auth (token or hmac), listen on 127.0.0.1, or set allowUnauthenticated: true`,
      );
    }
    if (config.headersTimeout > config.requestTimeout) {
      problem(['headersTimeout'], `must not exceed requestTimeout (${config.requestTimeout})`);
    }
    if (config.replay?.timestampHeader !== undefined && config.auth.type !== 'hmac') {
      problem(['replay', 'timestampHeader'], 'needs auth type "hmac": the timestamp must be signed');
    }
  });
}

/**
 * The configuration of a webhook source, as a zod schema a plugin can use as its init config: where it
 * listens, authentication, TLS, limits, timeouts, replay protection and when a request is acknowledged
 * (`acknowledge`: by default a 2xx means the host took the request's events). To add keys, extend
 * `WebhookConfigObject` and refine it with `refineWebhookConfig`.
 */
export const WebhookConfigSchema = refineWebhookConfig(WebhookConfigObject);

/** A webhook configuration as written (defaults optional). */
export type WebhookConfigInput = z.input<typeof WebhookConfigSchema>;
/** A webhook configuration with every default applied. */
export type WebhookConfig = z.output<typeof WebhookConfigSchema>;

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** Whether an address only accepts connections from the machine itself. */
export function isLoopbackAddress(address: string): boolean {
  return LOOPBACK.test(address);
}

/**
 * Parses and checks a webhook configuration (`WebhookConfigSchema`, with the rules spanning several keys).
 *
 * @throws Error naming each bad key and its problem.
 */
export function parseWebhookConfig(input: unknown): WebhookConfig {
  const parsed = WebhookConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new Error(`webhook: invalid config: ${describeZodError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * A webhook config for GitHub's webhooks: HMAC-SHA256 signatures in `x-hub-signature-256` with the
 * webhook's secret, deliveries deduplicated by `x-github-delivery`, and the `x-github-event` and
 * `x-github-delivery` headers carried into each event (`{"headers": {...}, "body": <the payload>}`), so
 * rules can tell a `push` from a `member` event. `config` adds to it or overrides it (port, path, TLS, ...).
 *
 * @example
 * open() {
 *   return openWebhookSource(githubWebhookConfig(this.config.secret, { port: 8443 }), { logger: this.logger });
 * }
 */
export function githubWebhookConfig(secret: string, config: WebhookConfigInput = {}): WebhookConfigInput {
  return {
    ...config,
    auth: { type: 'hmac', secret, header: 'x-hub-signature-256', algorithm: 'sha256', ...config.auth },
    replay: { deliveryIdHeader: 'x-github-delivery', ...config.replay },
    keepHeaders: [...new Set(['x-github-event', 'x-github-delivery', ...(config.keepHeaders ?? [])])],
  };
}
