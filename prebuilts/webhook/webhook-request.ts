import type { IncomingMessage } from 'node:http';
import { HttpRejection } from './http-rejection';

/** The media type of a request, lower case, without parameters (`application/json`), or `''`. */
export function mediaTypeOf(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Whether a media type holds one JSON document (`application/json`, or a `+json` suffix). */
export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/**
 * Checks the Content-Type against the accepted media types.
 *
 * @throws HttpRejection 415 naming what is accepted.
 */
export function checkMediaType(request: IncomingMessage, accepted: readonly string[]): string {
  const mediaType = mediaTypeOf(request);
  if (accepted.some((type) => type.toLowerCase() === mediaType)) return mediaType;
  const expected = accepted.join(', ');
  throw new HttpRejection(
    415,
    'unsupportedMediaType',
    mediaType === ''
      ? `missing Content-Type; expected ${expected}`
      : `unsupported Content-Type ${mediaType}; expected ${expected}`,
  );
}

function tooLarge(size: string, limit: number): HttpRejection {
  return new HttpRejection(
    413,
    'payloadTooLarge',
    `request body of ${size} exceeds the limit of ${limit} bytes`,
  );
}

/** Bounds the bytes held by bodies read together (the not-yet-authenticated ones, in HMAC mode). */
export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Takes `bytes` from the budget, unless that would pass the limit. */
  reserve(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  /** Gives `bytes` back. */
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

function overBudget(budget: ByteBudget): HttpRejection {
  return new HttpRejection(
    503,
    'overloaded',
    `too many request bodies are being read (${budget.limit} bytes pending); retry later`,
    { 'retry-after': '1' },
  );
}

/**
 * Checks the declared Content-Length against the limit, before anything is read.
 *
 * @throws HttpRejection 413 when it is larger.
 */
export function checkDeclaredLength(request: IncomingMessage, limit: number): void {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(`${declared} bytes`, limit);
}

/**
 * Reads the whole body, refusing it as soon as it passes `limit` bytes (at once when Content-Length says so).
 * With a budget, the bytes held count against it while the body is read (the declared length at once).
 *
 * @throws HttpRejection 413 when too large; 503 (`overloaded`) beyond the budget; 400 (`aborted`) when the
 *   client went away mid-body.
 */
export function readBody(request: IncomingMessage, limit: number, budget?: ByteBudget): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(tooLarge(`${declared} bytes`, limit));
  let held = Number.isFinite(declared) ? declared : 0;
  if (budget && !budget.reserve(held)) return Promise.reject(overBudget(budget));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      budget?.release(held);
      held = 0;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (budget && size > held) {
        if (!budget.reserve(size - held)) {
          cleanup();
          request.pause();
          reject(overBudget(budget));
          return;
        }
        held = size;
      }
      if (size > limit) {
        cleanup();
        request.pause();
        reject(tooLarge(`more than ${limit} bytes`, limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new HttpRejection(400, 'aborted', `the request body could not be read: ${error.message}`));
    };
    const onAborted = () => onError(new Error('the client closed the connection'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}

/**
 * Reads and discards a body of up to `limit` bytes, so an early answer closes the connection cleanly (no
 * unread bytes left to reset it). Resolves when the body ended, passed the limit, or failed.
 */
export function discardBody(request: IncomingMessage, limit: number): Promise<void> {
  return readBody(request, limit).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * Checks that a body is usable as an event: not empty, and valid JSON for a JSON media type.
 *
 * @throws HttpRejection 400 saying what is wrong.
 */
export function checkBody(body: Buffer, mediaType: string): unknown {
  if (body.length === 0)
    throw new HttpRejection(400, 'badRequest', 'empty request body: one event per request');
  if (!isJsonMediaType(mediaType)) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new HttpRejection(400, 'badRequest', `the body is not valid JSON: ${(err as Error).message}`);
  }
}
