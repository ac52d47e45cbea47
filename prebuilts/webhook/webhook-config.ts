import { z } from 'zod';
import { DEFAULT_MAX_EVENT_SIZE } from '../../lib/index';
import { describeZodError } from '../../lib/sdk/json-input';
import { DEFAULT_PUSH_QUEUE_CAPACITY } from '../push-queue';

const AUTH_TYPES = ['none', 'token', 'hmac'] as const;

/** How requests authenticate, as resolved from the config. */
export type WebhookAuth =
  | { readonly type: 'none' }
  | { readonly type: 'token'; readonly token: string; readonly header: string }
  | {
      readonly type: 'hmac';
      readonly secret: string;
      readonly header: string;
      readonly algorithm: 'sha256' | 'sha512';
    };

/**
 * How requests authenticate: `none`; `token` (a shared secret in a header, `Authorization: Bearer <token>`
 * by default); or `hmac` (the HMAC of the body with a shared secret, `x-signature-256: sha256=<hex>` by
 * default, as GitHub does). One flat object, so the host's schema validation names the bad key.
 */
export const WebhookAuthSchema = z
  .object({
    type: z.enum(AUTH_TYPES).default('none').describe('none, token or hmac'),
    token: z
      .string()
      .min(16, 'the token must be at least 16 characters')
      .optional()
      .describe('The shared token (type token)'),
    secret: z
      .string()
      .min(16, 'the secret must be at least 16 characters')
      .optional()
      .describe('The HMAC key (type hmac)'),
    header: z
      .string()
      .min(1)
      .optional()
      .describe(
        'The header carrying the token (default authorization: "Bearer <token>") or the signature (default x-signature-256)',
      ),
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

/**
 * The configuration of a webhook source, as a zod object a plugin can use as (part of) its init config
 * (`WebhookConfigSchema.extend({...})`).
 */
export const WebhookConfigSchema = z.object({
  listenAddress: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('The address to listen on; the default accepts only local senders'),
  port: z.number().int().min(0).max(65535).default(8765).describe('The TCP port; 0 picks a free one'),
  path: z
    .string()
    .regex(/^\/[^?#]*$/, 'must start with "/" and have no query or fragment')
    .default('/events')
    .describe('The URL path events are POSTed to'),
  auth: WebhookAuthSchema.default({}).describe('How senders authenticate'),
  allowUnauthenticated: z
    .boolean()
    .default(false)
    .describe('Accept auth "none" on a non-loopback listen address'),
  tls: z
    .object({
      certFile: z.string().min(1).describe('PEM certificate (chain) file'),
      keyFile: z.string().min(1).describe('PEM private key file'),
    })
    .optional()
    .describe('Serve HTTPS with this certificate and key'),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_MAX_EVENT_SIZE)
    .describe('Largest request body (one event) in bytes; larger requests get 413'),
  maxQueue: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_PUSH_QUEUE_CAPACITY)
    .describe('Most events waiting for the host; when full, requests get 429'),
  contentTypes: z
    .array(z.string().min(1))
    .min(1)
    .default(['application/json'])
    .describe('Accepted media types; JSON ones (application/json, */*+json) must hold valid JSON'),
});

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
 * Parses and checks a webhook configuration: the schema, then the rules that span several keys.
 *
 * @throws Error naming each bad key and its problem.
 */
export function parseWebhookConfig(input: unknown): WebhookConfig {
  const parsed = WebhookConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new Error(`webhook: invalid config: ${describeZodError(parsed.error)}`);
  }
  const config = parsed.data;
  if (
    config.auth.type === 'none' &&
    !config.allowUnauthenticated &&
    !isLoopbackAddress(config.listenAddress)
  ) {
    throw new Error(
      `webhook: invalid config: auth "none" on listenAddress ${config.listenAddress} lets anyone who can reach it ` +
        `inject events; configure auth (token or hmac), listen on 127.0.0.1, or set allowUnauthenticated: true`,
    );
  }
  return config;
}
