import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { WebhookAuth } from './webhook-config';
import { HttpRejection } from './http-rejection';

/** Compares two secrets in constant time, whatever their lengths. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Checks what can be checked before the body is read: the token, or the presence of the signature.
 *
 * @throws HttpRejection 401 when the credentials are missing, 403 when they are wrong.
 */
export function checkCredentials(auth: WebhookAuth, headers: IncomingHttpHeaders): void {
  if (auth.type === 'none') return;
  const header = auth.header;
  const value = headerValue(headers, header);
  if (auth.type === 'hmac') {
    if (value === undefined || value.trim() === '') {
      throw new HttpRejection(
        401,
        'unauthorized',
        `missing ${header} header with the HMAC-${auth.algorithm.toUpperCase()} of the body`,
      );
    }
    return;
  }
  const bearer = header === 'authorization';
  if (value === undefined || value.trim() === '') {
    throw new HttpRejection(
      401,
      'unauthorized',
      bearer ? 'missing Authorization: Bearer <token> header' : `missing ${header} header`,
      {
        'www-authenticate': bearer ? 'Bearer' : 'Token',
      },
    );
  }
  let token = value.trim();
  if (bearer) {
    const match = /^Bearer\s+(.+)$/i.exec(token);
    if (!match)
      throw new HttpRejection(401, 'unauthorized', 'the Authorization header must be "Bearer <token>"', {
        'www-authenticate': 'Bearer',
      });
    token = match[1].trim();
  }
  if (!sameSecret(token, auth.token)) throw new HttpRejection(403, 'forbidden', 'invalid token');
}

/**
 * Checks the HMAC signature of the body (`sha256=<hex>` or bare hex).
 *
 * @throws HttpRejection 403 when it does not match.
 */
export function checkSignature(auth: WebhookAuth, headers: IncomingHttpHeaders, body: Buffer): void {
  if (auth.type !== 'hmac') return;
  const given = (headerValue(headers, auth.header) ?? '').trim();
  const hex = given.toLowerCase().startsWith(`${auth.algorithm}=`)
    ? given.slice(auth.algorithm.length + 1)
    : given;
  const expected = createHmac(auth.algorithm, auth.secret).update(body).digest('hex');
  if (!sameSecret(hex.toLowerCase(), expected)) {
    throw new HttpRejection(403, 'forbidden', `invalid ${auth.header} signature`);
  }
}
