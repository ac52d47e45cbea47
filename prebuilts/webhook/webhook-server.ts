import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import { errorMessage } from '../../lib/sdk/errors';
import { checkSourceEvent } from '../event-writer';
import type { DeliveryReceipt, PushQueue } from '../push-queue';
import { describeValue, isSourceEvent, type SourceEvent } from '../source-event';
import { HttpRejection } from './http-rejection';
import { checkCredentials, checkSignature, DeliveryIdCache, type Credentials } from './webhook-auth';
import type { WebhookConfig } from './webhook-config';
import type { WebhookCounterSet } from './webhook-counters';
import {
  ByteBudget,
  checkBody,
  checkDeclaredLength,
  checkMediaType,
  discardBody,
  readBody,
} from './webhook-request';

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
  /**
   * The body parsed, when its media type is JSON (the webhook parses it once, to check it): `toEvents` need
   * not parse it again. `undefined` for other media types.
   */
  readonly json: unknown;
}

/**
 * Turns an accepted body into the events to queue (all or none are queued; an empty array queues none and
 * still answers 200). The default makes one event whose payload is the body and whose timestamp is
 * `receivedAt`. Throwing answers 400 with the message. Every event is checked as the batch will check it
 * before anything is queued: one larger than the instance's `maxEventSize` answers 413, one with a bad
 * timestamp 400, so a 200 always means the events will be delivered.
 */
export type WebhookToEvents = (body: Buffer, request: WebhookRequest) => SourceEvent | readonly SourceEvent[];

/**
 * The `toEvents` of a webhook with `keepHeaders`: one event `{"headers":{"<name>":"<value>"|null},
 * "body":<the JSON body, or the body as text>}`, stamped with its arrival time. Repeated headers are joined
 * with `, `.
 */
export function bodyWithHeaders(names: readonly string[]): WebhookToEvents {
  return (body, request) => {
    const headers: Record<string, string | null> = {};
    for (const name of names) {
      const value = request.headers[name];
      headers[name] = value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    }
    const content = request.json !== undefined ? request.json : body.toString('utf8');
    return { data: JSON.stringify({ headers, body: content }), timestamp: request.receivedAt };
  };
}

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

/** How long a connection beyond `maxConnections` has to send its request (and get its 503). */
const OVERFLOW_GRACE_MS = 1000;
/**
 * Most connections beyond `maxConnections` given that grace; further ones are closed as soon as they are
 * accepted. So the server holds at most `maxConnections + OVERFLOW_GRACE_CONNECTIONS` descriptors whatever
 * the number of senders (a flood of connections cannot exhaust the host's descriptors).
 */
export const OVERFLOW_GRACE_CONNECTIONS = 64;
/** Shortest interval between two warnings about failed accepts (a descriptor shortage repeats them). */
const ACCEPT_WARNING_INTERVAL_MS = 10_000;
/** How long, once closing, an idle keep-alive connection may still send a request (and get its 503). */
const DRAIN_IDLE_GRACE_MS = 1000;
/**
 * Longest a close waits for the requests in flight (at most `requestTimeout`), so it ends well within the
 * host's deadline for `close` (10 s by default); a sender still trickling its request then is cut off.
 */
const DRAIN_LIMIT_MS = 5000;

/** What the server needs besides its config. */
export interface WebhookServerOptions {
  /** Largest event payload the instance's batches take. */
  readonly maxEventSize: number;
  /** Where warnings go (default `console.warn`). */
  readonly warn?: (message: string) => void;
}

/** What `dropUndelivered` answered 503: requests, their events not delivered, and those that were. */
export interface UndeliveredSummary {
  readonly requests: number;
  readonly events: number;
  readonly delivered: number;
}

/**
 * The answer of a request waiting for its events to be taken by the host (`acknowledge: 'delivered'`): the
 * queue's receipt for its offer. Repeats of its delivery id arriving meanwhile wait with it.
 */
class PendingAnswer implements DeliveryReceipt {
  settled = false;
  followers: ServerResponse[] | undefined;

  constructor(
    private readonly server: WebhookServer,
    readonly response: ServerResponse,
    readonly events: number,
    readonly deliveryId: string | undefined,
  ) {}

  delivered(): void {
    this.server.settle(this, undefined);
  }

  notDelivered(taken: number, total: number): void {
    this.server.settle(this, { taken, total });
  }
}

function undeliveredMessage(taken: number, total: number): string {
  return taken === 0
    ? 'the webhook source closed before these events were delivered; nothing was delivered'
    : `the webhook source closed before these events were delivered; ${taken} of ${total} were delivered ` +
        `(the first ${taken})`;
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
 * The HTTP(S) server of a webhook source: each request is authenticated first, then checked and its events
 * queued; it is answered 2xx once they are taken by the host (`acknowledge: 'delivered'`) or queued
 * (`'queued'`); every refusal has its status, message and counter. Closing drains: no new request is taken
 * (503), requests in flight get their real answer, then the connections are closed.
 */
export class WebhookServer {
  private readonly server: Server;
  private closing: Promise<void> | undefined;
  private boundPort = 0;
  private draining = false;
  private connections = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly overflow = new WeakSet<Socket>();
  private readonly pendingBodies: ByteBudget;
  private readonly deliveries: DeliveryIdCache | undefined;
  /** Requests waiting for delivery, by delivery id, so a repeat of one waits for its outcome. */
  private readonly awaitingDelivery = new Map<string, PendingAnswer>();
  private undelivered: { requests: number; events: number; delivered: number } | undefined;
  private lastAcceptWarning = -Infinity;
  private suppressedAcceptErrors = 0;
  private readonly warn: (message: string) => void;

  /** @throws Error when the TLS files cannot be read. */
  constructor(
    private readonly config: WebhookConfig,
    private readonly queue: PushQueue,
    private readonly counters: WebhookCounterSet,
    private readonly toEvents: WebhookToEvents,
    private readonly limits: WebhookServerOptions = { maxEventSize: config.maxBodyBytes },
  ) {
    this.warn = limits.warn ?? ((message) => console.warn(message));
    const handler = (request: IncomingMessage, response: ServerResponse) =>
      void this.handle(request, response);
    const options = {
      headersTimeout: config.headersTimeout,
      requestTimeout: config.requestTimeout,
      keepAliveTimeout: config.keepAliveTimeout,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeout / 4))),
    };
    this.server = config.tls
      ? createHttpsServer(
          {
            ...options,
            cert: readPem(config.tls.certFile, 'certFile'),
            key: readPem(config.tls.keyFile, 'keyFile'),
          },
          handler,
        )
      : createHttpServer(options, handler);
    this.server.on('connection', (socket: Socket) => this.onConnection(socket));
    // beyond this, net.Server closes a connection as soon as it is accepted ('drop')
    this.server.maxConnections = config.maxConnections + OVERFLOW_GRACE_CONNECTIONS;
    this.server.on('drop', () => this.counters.refusedConnections++);
    this.pendingBodies = new ByteBudget(config.maxPendingBytes);
    const replay = config.replay;
    this.deliveries =
      replay?.deliveryIdHeader === undefined
        ? undefined
        : new DeliveryIdCache(replay.deliveryIdTtlSeconds * 1000, replay.maxDeliveryIds);
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

  /** Open connections, those beyond `maxConnections` included until they are closed. */
  get openConnections(): number {
    return this.connections;
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
        this.server.on('error', (err) => this.onServerError(err));
        this.boundPort = (this.server.address() as AddressInfo).port;
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen({ host, port });
    });
  }

  /**
   * Stops taking requests and frees the port, draining: the listening socket closes at once; a request on
   * an open connection gets 503 (and the connection closes); requests in flight get their real answer;
   * idle keep-alive connections close after a grace of a second (so a sender about to reuse one gets its
   * 503 rather than a reset); whatever is still open after `requestTimeout` (at most 5 s) is closed.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.drain();
    return this.closing;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    if (!this.server.listening) return;
    // net.Server's close stops listening only: http.Server's also closes the idle keep-alive connections at
    // once, which resets a request a sender is writing on one at that moment.
    const closed = new Promise<void>((resolve) =>
      NetServer.prototype.close.call(this.server, () => resolve()),
    );
    const timers: NodeJS.Timeout[] = [];
    const later = (ms: number, action: () => void) => {
      const timer = setTimeout(action, ms);
      timer.unref();
      timers.push(timer);
    };
    later(Math.min(DRAIN_IDLE_GRACE_MS, this.config.keepAliveTimeout), () => {
      if (this.inFlight === 0) this.server.closeIdleConnections();
      else this.idleWaiters.push(() => this.server.closeIdleConnections());
    });
    later(Math.min(this.config.requestTimeout, DRAIN_LIMIT_MS), () => this.server.closeAllConnections());
    await closed;
    for (const timer of timers) clearTimeout(timer);
  }

  /**
   * Answers every request still waiting for the delivery of its events 503 (`closedBeforeDelivery`),
   * saying how many were delivered, once `discard` has dropped the queued events (it clears the queue,
   * which settles their receipts). Returns what was answered so.
   */
  dropUndelivered(discard: () => void): UndeliveredSummary {
    const summary = { requests: 0, events: 0, delivered: 0 };
    this.undelivered = summary;
    try {
      discard();
    } finally {
      this.undelivered = undefined;
    }
    return summary;
  }

  /**
   * @internal Answers a waiting request (and the repeats of its delivery id waiting with it): 200 once
   * every event was taken (`outcome` undefined), else 503 saying how many of them were.
   */
  settle(
    answer: PendingAnswer,
    outcome: { readonly taken: number; readonly total: number } | undefined,
  ): void {
    if (answer.settled) return;
    answer.settled = true;
    const { deliveryId, followers } = answer;
    if (deliveryId !== undefined && this.awaitingDelivery.get(deliveryId) === answer) {
      this.awaitingDelivery.delete(deliveryId);
    }
    if (outcome === undefined) {
      this.counters.accepted++;
      send(answer.response, 200, { delivered: answer.events }, {}, this.draining);
      this.requestDone();
      for (const repeat of followers ?? []) {
        this.counters.accepted++;
        this.counters.duplicates++;
        send(repeat, 200, { queued: 0, duplicate: true }, {}, this.draining);
        this.requestDone();
      }
      return;
    }
    const { taken, total } = outcome;
    if (deliveryId !== undefined) this.deliveries?.forget(deliveryId);
    this.counters.droppedAtClose += total - taken;
    if (this.undelivered) {
      this.undelivered.requests++;
      this.undelivered.events += total - taken;
      this.undelivered.delivered += taken;
    }
    const body = { error: undeliveredMessage(taken, total), delivered: taken, events: total };
    for (const response of [answer.response, ...(followers ?? [])]) {
      this.counters.reject('closedBeforeDelivery');
      send(response, 503, body, { 'retry-after': '1' }, true);
      this.requestDone();
    }
  }

  private onServerError(err: NodeJS.ErrnoException): void {
    const now = Date.now();
    if (now - this.lastAcceptWarning < ACCEPT_WARNING_INTERVAL_MS) {
      this.suppressedAcceptErrors++;
      return;
    }
    const more =
      this.suppressedAcceptErrors > 0 ? ` (${this.suppressedAcceptErrors} more since the last warning)` : '';
    this.lastAcceptWarning = now;
    this.suppressedAcceptErrors = 0;
    const hint =
      err.code === 'EMFILE' || err.code === 'ENFILE'
        ? ': out of file descriptors; lower maxConnections or raise the limit (ulimit -n)'
        : '';
    this.warn(`webhook: the server failed to accept a connection: ${err.message}${hint}${more}`);
  }

  private requestDone(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private onConnection(socket: Socket): void {
    this.connections++;
    socket.once('close', () => this.connections--);
    if (this.connections <= this.config.maxConnections) return;
    this.counters.refusedConnections++;
    if (this.config.tls) {
      socket.destroy();
      return;
    }
    this.overflow.add(socket);
    const timer = setTimeout(() => socket.destroy(), OVERFLOW_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.counters.received++;
    this.inFlight++;
    let bodyRead = false;
    let waiting = false; // the answer waits for the delivery of the events: `settle` ends the request
    try {
      if (this.overflow.has(request.socket)) {
        throw new HttpRejection(
          503,
          'overloaded',
          `too many connections (${this.config.maxConnections}); retry later`,
          { 'retry-after': '1' },
        );
      }
      if (this.draining) {
        await discardBody(request, this.config.maxBodyBytes);
        bodyRead = true;
        throw this.refusal('ended');
      }
      const admitted = await this.admit(request, () => {
        bodyRead = true;
      });
      const { events, deliveryId } = admitted;
      const now = Date.now();
      if (deliveryId !== undefined && this.deliveries?.has(deliveryId, now)) {
        const original = this.awaitingDelivery.get(deliveryId);
        if (original !== undefined) {
          (original.followers ??= []).push(response); // answered with the original, once it is settled
          waiting = true;
          return;
        }
        this.counters.accepted++;
        this.counters.duplicates++;
        send(response, 200, { queued: 0, duplicate: true }, {}, this.draining);
        return;
      }
      if (this.config.acknowledge === 'queued') {
        const result = this.queue.offerAll(events);
        if (result !== 'queued') throw this.refusal(result);
        if (deliveryId !== undefined) this.deliveries?.add(deliveryId, now);
        this.counters.accepted++;
        this.counters.queued += events.length;
        send(response, 200, { queued: events.length }, {}, this.draining);
        return;
      }
      // the receipt may be settled inside offerAll (no events, or a pending nextBatch takes them at once)
      const answer = new PendingAnswer(this, response, events.length, deliveryId);
      const result = this.queue.offerAll(events, answer);
      if (result !== 'queued') throw this.refusal(result);
      waiting = true;
      this.counters.queued += events.length;
      if (deliveryId !== undefined) {
        this.deliveries?.add(deliveryId, now);
        if (!answer.settled) this.awaitingDelivery.set(deliveryId, answer);
      }
    } catch (err) {
      const rejection =
        err instanceof HttpRejection
          ? err
          : new HttpRejection(500, 'internalError', `internal error: ${errorMessage(err)}`);
      this.counters.reject(rejection.reason);
      send(
        response,
        rejection.status,
        { error: rejection.message },
        rejection.headers,
        !bodyRead || this.draining,
      );
    } finally {
      if (!waiting) this.requestDone();
    }
  }

  /**
   * Checks a request, authentication first (so an unauthenticated sender learns nothing of the path):
   * credentials; for HMAC the declared length, the body and its signature; then path, method, state,
   * media type, room, body (read now unless HMAC), and the events `toEvents` makes.
   */
  private async admit(
    request: IncomingMessage,
    onBodyRead: () => void,
  ): Promise<{ readonly events: readonly SourceEvent[]; readonly deliveryId?: string }> {
    const { config } = this;
    const receivedAt = BigInt(Date.now()) * 1_000_000n;
    const credentials: Credentials = checkCredentials(config.auth, request, config.replay, Date.now());
    let body: Buffer | undefined;
    if (config.auth.type === 'hmac') {
      checkDeclaredLength(request, config.maxBodyBytes);
      body = await readBody(request, config.maxBodyBytes, this.pendingBodies);
      onBodyRead();
      checkSignature(config.auth, credentials, body);
    }
    const path = (request.url ?? '/').split('?')[0];
    if (path !== config.path)
      throw new HttpRejection(404, 'notFound', `no webhook at ${path}; POST events to ${config.path}`);
    if (request.method !== 'POST') {
      throw new HttpRejection(
        405,
        'methodNotAllowed',
        `method ${request.method} is not allowed; POST events to ${config.path}`,
        { allow: 'POST' },
      );
    }
    if (this.queue.ended) throw this.refusal('ended');
    const mediaType = checkMediaType(request, config.contentTypes);
    if (this.queue.full) throw this.refusal('full');
    if (body === undefined) {
      body = await readBody(request, config.maxBodyBytes);
      onBodyRead();
    }
    const json = checkBody(body, mediaType);
    const events = this.eventsOf(body, {
      path,
      headers: request.headers,
      mediaType,
      receivedAt,
      remoteAddress: request.socket.remoteAddress,
      json,
    });
    return credentials.deliveryId === undefined ? { events } : { events, deliveryId: credentials.deliveryId };
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
    const several = events.length > 1;
    events.forEach((event, index) => {
      const problem = checkSourceEvent(event, this.limits.maxEventSize);
      if (problem === undefined) return;
      const which = several ? `event ${index + 1} of ${events.length}: ` : '';
      throw problem.kind === 'tooLarge'
        ? new HttpRejection(413, 'payloadTooLarge', `${which}${problem.message}; nothing was queued`)
        : new HttpRejection(400, 'badRequest', `${which}${problem.message}; nothing was queued`);
    });
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
      : new HttpRejection(503, 'unavailable', 'the webhook source is closed', { 'retry-after': '1' });
  }
}
