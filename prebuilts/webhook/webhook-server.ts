import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../lib/sdk/errors';
import type { PushQueue } from '../push-queue';
import { describeValue, isSourceEvent, type SourceEvent } from '../source-event';
import { HttpRejection } from './http-rejection';
import { checkCredentials, checkSignature } from './webhook-auth';
import type { WebhookConfig } from './webhook-config';
import type { WebhookCounterSet } from './webhook-counters';
import { checkBody, checkMediaType, readBody } from './webhook-request';

/** What a webhook knows about an accepted request, for `toEvents`. */
export interface WebhookRequest {
  /** The request path (always the configured one). */
  readonly path: string;
  /** The request headers, names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The media type of the body, lower case, without parameters. */
  readonly mediaType: string;
  /** When the request arrived, in nanoseconds since the epoch. */
  readonly receivedAt: bigint;
  /** The sender's address. */
  readonly remoteAddress: string | undefined;
}

/**
 * Turns an accepted body into the events to queue (all or none are queued; an empty array queues none and
 * still answers 200). The default makes one event whose payload is the body and whose timestamp is
 * `receivedAt`. Throwing answers 400 with the message.
 */
export type WebhookToEvents = (body: Buffer, request: WebhookRequest) => SourceEvent | readonly SourceEvent[];

/** The default `toEvents`: the body is the event, stamped with its arrival time. */
export const bodyAsEvent: WebhookToEvents = (body, request) => ({
  data: body,
  timestamp: request.receivedAt,
});

function readPem(file: string, key: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`webhook: cannot read tls.${key} ${file}: ${(err as Error).message}`);
  }
}

function send(
  response: ServerResponse,
  status: number,
  body: object,
  headers: Readonly<Record<string, string>>,
  close: boolean,
) {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
    ...headers,
  });
  response.end(text);
}

/**
 * The HTTP(S) server of a webhook source: each request is authenticated, checked and its events queued
 * before the 2xx answer; every refusal has its status, message and counter.
 */
export class WebhookServer {
  private readonly server: Server;
  private closing: Promise<void> | undefined;
  private boundPort = 0;

  /** @throws Error when the TLS files cannot be read. */
  constructor(
    private readonly config: WebhookConfig,
    private readonly queue: PushQueue,
    private readonly counters: WebhookCounterSet,
    private readonly toEvents: WebhookToEvents,
  ) {
    const handler = (request: IncomingMessage, response: ServerResponse) =>
      void this.handle(request, response);
    this.server = config.tls
      ? createHttpsServer(
          { cert: readPem(config.tls.certFile, 'certFile'), key: readPem(config.tls.keyFile, 'keyFile') },
          handler,
        )
      : createHttpServer(handler);
  }

  /** The port listened on (the chosen one when configured with 0). */
  get port(): number {
    return this.boundPort;
  }

  /** The URL senders POST to. */
  get url(): string {
    const host = this.config.listenAddress.includes(':')
      ? `[${this.config.listenAddress}]`
      : this.config.listenAddress;
    return `${this.config.tls ? 'https' : 'http'}://${host}:${this.boundPort}${this.config.path}`;
  }

  /**
   * Starts listening.
   *
   * @throws Error naming the address when it cannot listen (port in use, address not local, ...).
   */
  listen(): Promise<void> {
    const { listenAddress: host, port } = this.config;
    return new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        this.server.off('listening', onListening);
        reject(new Error(`webhook: cannot listen on ${host}:${port}: ${err.message}`));
      };
      const onListening = () => {
        this.server.off('error', onError);
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host, port });
    });
  }

  /** Stops accepting, ends every connection and frees the port. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.counters.received++;
    let bodyRead = false;
    try {
      const events = await this.admit(request, () => {
        bodyRead = true;
      });
      const result = this.queue.offerAll(events);
      if (result !== 'queued') throw this.refusal(result);
      this.counters.accepted++;
      this.counters.queued += events.length;
      send(response, 200, { queued: events.length }, {}, false);
    } catch (err) {
      const rejection =
        err instanceof HttpRejection
          ? err
          : new HttpRejection(500, 'internalError', `internal error: ${errorMessage(err)}`);
      this.counters.reject(rejection.reason);
      send(response, rejection.status, { error: rejection.message }, rejection.headers, !bodyRead);
    }
  }

  /** Checks a request in order (path, method, state, credentials, media type, room, size, signature, body). */
  private async admit(request: IncomingMessage, onBodyRead: () => void): Promise<readonly SourceEvent[]> {
    const { config } = this;
    const receivedAt = BigInt(Date.now()) * 1_000_000n;
    const path = (request.url ?? '/').split('?')[0];
    if (path !== config.path)
      throw new HttpRejection(404, 'notFound', `no webhook at ${path}; POST events to ${config.path}`);
    if (request.method !== 'POST') {
      throw new HttpRejection(
        405,
        'methodNotAllowed',
        `method ${request.method} is not allowed; POST events to ${config.path}`,
        {
          allow: 'POST',
        },
      );
    }
    if (this.queue.ended) throw this.refusal('ended');
    checkCredentials(config.auth, request.headers);
    const mediaType = checkMediaType(request, config.contentTypes);
    if (this.queue.full) throw this.refusal('full');
    const body = await readBody(request, config.maxBodyBytes);
    onBodyRead();
    checkSignature(config.auth, request.headers, body);
    checkBody(body, mediaType);
    return this.eventsOf(body, {
      path,
      headers: request.headers,
      mediaType,
      receivedAt,
      remoteAddress: request.socket.remoteAddress,
    });
  }

  private eventsOf(body: Buffer, request: WebhookRequest): readonly SourceEvent[] {
    let produced: SourceEvent | readonly SourceEvent[];
    try {
      produced = this.toEvents(body, request);
    } catch (err) {
      throw new HttpRejection(400, 'badRequest', `the body was refused: ${errorMessage(err)}`);
    }
    const events: readonly unknown[] = Array.isArray(produced) ? produced : [produced];
    const bad = events.findIndex((e) => !isSourceEvent(e));
    if (bad >= 0) {
      throw new Error(
        `toEvents must return an event {data, timestamp?} or an array of them, got ${describeValue(events[bad])}`,
      );
    }
    return events as readonly SourceEvent[];
  }

  private refusal(result: 'full' | 'ended'): HttpRejection {
    return result === 'full'
      ? new HttpRejection(
          429,
          'queueFull',
          `the event queue is full (${this.queue.capacity} events wait for the host); retry later`,
          { 'retry-after': '1' },
        )
      : new HttpRejection(503, 'unavailable', 'the webhook source is closed');
  }
}
