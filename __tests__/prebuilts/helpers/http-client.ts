/* A small HTTP(S) client for the webhook tests: loopback only, every request bounded. */
import { request as httpRequest, Agent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** An HTTP answer, its JSON body parsed. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly json: {
    queued?: number;
    delivered?: number;
    duplicate?: boolean;
    events?: number;
    error?: string;
  };
}

/** How to send one request. */
export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly agent?: Agent;
  /** Send the body with chunked transfer encoding (no Content-Length). */
  readonly chunked?: boolean;
  /** A CA certificate to trust (HTTPS). */
  readonly ca?: Buffer;
}

/** Without an agent given, one connection per request (`Connection: close`), so no idle socket outlives a test. */
const oneShot = new Agent({ keepAlive: false });

/** Sends one request to a loopback URL and reads the whole answer. */
export function send(
  url: string,
  body: string | Buffer | undefined,
  options: RequestOptions = {},
): Promise<HttpAnswer> {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost')
    throw new Error(`not a loopback URL: ${url}`);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const data = body === undefined ? undefined : Buffer.from(body);
  if (data && !options.chunked) headers['content-length'] = String(data.length);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(
      target,
      {
        method: options.method ?? 'POST',
        headers,
        agent: options.agent ?? (target.protocol === 'https:' ? undefined : oneShot),
        ca: options.ca,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: HttpAnswer['json'] = {};
          try {
            json = text === '' ? {} : (JSON.parse(text) as HttpAnswer['json']);
          } catch {
            json = { error: `non-JSON answer: ${text}` };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', reject);
    if (data && options.chunked) {
      // several chunks, so the server sees a streamed body
      for (let at = 0; at < data.length; at += 1024) req.write(data.subarray(at, at + 1024));
      req.end();
    } else {
      req.end(data);
    }
  });
}

/** A keep-alive agent with a bounded number of sockets. */
export function keepAliveAgent(maxSockets = 16): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}
