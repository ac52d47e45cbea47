import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebhookAuth, WebhookReplay } from './webhook-config';
import { HttpRejection } from './http-rejection';

/** Compares two secrets in constant time, whatever their lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** How many times a header (lower-case name) occurs in the raw request headers. */
function occurrences(request: IncomingMessage, name: string): number {
  let count = 0;
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) count++;
  return count;
}

/** The value of a header that must occur at most once, or `undefined` when absent. */
function singleHeader(request: IncomingMessage, name: string): string | undefined {
  if (occurrences(request, name) > 1) {
    throw new HttpRejection(400, 'badRequest', `duplicate ${name} header: send it once`);
  }
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** What `checkCredentials` found for a request: for HMAC, what the body's signature is checked against. */
export interface Credentials {
  /** The signature, lower-case hex (HMAC only). */
  readonly signature?: string;
  /** The signed timestamp, in Unix seconds, as sent (HMAC with `replay.timestampHeader` only). */
  readonly timestamp?: string;
  /** The delivery id (with `replay.deliveryIdHeader` only, when sent). */
  readonly deliveryId?: string;
}

const HEX_LENGTH = { sha256: 64, sha512: 128 } as const;

/**
 * Checks everything that can be checked before the body is read: the token; for HMAC, that the signature
 * header is present, single and well-formed, and that the signed timestamp is within the tolerance. Every
 * header involved must occur once.
 *
 * @param now - the current time in milliseconds (the timestamp's tolerance is measured against it).
 * @throws HttpRejection 400 for a duplicate header, 401 when credentials are missing or malformed, 403 when
 *   the token is wrong or the timestamp outside the tolerance.
 */
export function checkCredentials(
  auth: WebhookAuth,
  request: IncomingMessage,
  replay: WebhookReplay | undefined,
  now: number,
): Credentials {
  const deliveryId =
    replay?.deliveryIdHeader === undefined
      ? undefined
      : singleHeader(request, replay.deliveryIdHeader)?.trim();
  const withId = (credentials: Credentials): Credentials =>
    deliveryId ? { ...credentials, deliveryId } : credentials;
  if (auth.type === 'none') return withId({});
  const header = auth.header;
  const value = singleHeader(request, header)?.trim();
  if (auth.type === 'hmac') {
    const what = `HMAC-${auth.algorithm.toUpperCase()}`;
    if (value === undefined || value === '') {
      throw new HttpRejection(401, 'unauthorized', `missing ${header} header with the ${what} of the body`);
    }
    const hex = value.toLowerCase().startsWith(`${auth.algorithm}=`)
      ? value.slice(auth.algorithm.length + 1)
      : value;
    if (!new RegExp(`^[0-9a-f]{${HEX_LENGTH[auth.algorithm]}}$`, 'i').test(hex)) {
      throw new HttpRejection(
        401,
        'unauthorized',
        `malformed ${header} header: expected ${auth.algorithm}=<${HEX_LENGTH[auth.algorithm]} hex digits>`,
      );
    }
    const timestamp = checkTimestamp(request, replay, now);
    return withId({ signature: hex.toLowerCase(), ...(timestamp === undefined ? {} : { timestamp }) });
  }
  const bearer = header === 'authorization';
  if (value === undefined || value === '') {
    throw new HttpRejection(
      401,
      'unauthorized',
      bearer ? 'missing Authorization: Bearer <token> header' : `missing ${header} header`,
      { 'www-authenticate': bearer ? 'Bearer' : 'Token' },
    );
  }
  let token = value;
  if (bearer) {
    const match = /^Bearer\s+(.+)$/i.exec(token);
    if (!match)
      throw new HttpRejection(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"', {
        'www-authenticate': 'Bearer',
      });
    token = match[1].trim();
  }
  if (!sameSecret(token, auth.token)) throw new HttpRejection(403, 'forbidden', 'invalid token');
  return withId({});
}

function checkTimestamp(
  request: IncomingMessage,
  replay: WebhookReplay | undefined,
  now: number,
): string | undefined {
  const name = replay?.timestampHeader;
  if (replay === undefined || name === undefined) return undefined;
  const value = singleHeader(request, name)?.trim();
  if (value === undefined || value === '') {
    throw new HttpRejection(401, 'unauthorized', `missing ${name} header with the send time in Unix seconds`);
  }
  if (!/^\d{1,12}$/.test(value)) {
    throw new HttpRejection(401, 'unauthorized', `malformed ${name} header: expected Unix seconds`);
  }
  const skew = Math.abs(now / 1000 - Number(value));
  if (skew > replay.toleranceSeconds) {
    throw new HttpRejection(
      403,
      'forbidden',
      `${name} is ${Math.round(skew)} s away from the webhook's clock (tolerance ${replay.toleranceSeconds} s): ` +
        `stale or replayed request`,
    );
  }
  return value;
}

/**
 * Checks the HMAC signature of the body, or of `<timestamp>.<body>` when a signed timestamp was sent.
 *
 * @throws HttpRejection 403 when it does not match.
 */
export function checkSignature(auth: WebhookAuth, credentials: Credentials, body: Buffer): void {
  if (auth.type !== 'hmac') return;
  const hmac = createHmac(auth.algorithm, auth.secret);
  if (credentials.timestamp !== undefined) hmac.update(`${credentials.timestamp}.`);
  const expected = hmac.update(body).digest('hex');
  if (!sameSecret(credentials.signature ?? '', expected)) {
    throw new HttpRejection(403, 'forbidden', `invalid ${auth.header} signature`);
  }
}

/**
 * The delivery ids already queued, remembered for a time-to-live and up to a count (the oldest are
 * forgotten first), so a repeated delivery is not queued twice.
 */
export class DeliveryIdCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
  ) {}

  /** Whether the id was remembered and has not expired. */
  has(id: string, now: number): boolean {
    this.expire(now);
    return this.seen.has(id);
  }

  /** Remembers an id until `now + ttl`. */
  add(id: string, now: number): void {
    this.seen.delete(id);
    this.seen.set(id, now + this.ttlMs);
    while (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next();
      if (oldest.done === true) break;
      this.seen.delete(oldest.value);
    }
  }

  /** Forgets an id (its delivery failed: a repeat must be queued again). */
  forget(id: string): void {
    this.seen.delete(id);
  }

  private expire(now: number): void {
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(id);
    }
  }
}
