/* Raw loopback HTTP for the webhook's connection limits: idle, trickling and malformed senders. */
import { connect, type Socket } from 'node:net';

/** What a raw exchange saw: the answer's status (if any), its text, and how the connection ended. */
export interface RawExchange {
  readonly status: number | undefined;
  readonly text: string;
  /** Milliseconds from connecting to the close. */
  readonly ms: number;
  /** The socket error code, e.g. `ECONNRESET`, if the connection failed rather than closed. */
  readonly error?: string;
}

/** A raw connection: write to it, and `done` settles (never rejects) when the server closes it. */
export interface RawConnection {
  readonly socket: Socket;
  readonly connected: Promise<void>;
  readonly done: Promise<RawExchange>;
}

/** Opens a raw connection to 127.0.0.1:`port`, collecting whatever the server answers. */
export function openRaw(port: number): RawConnection {
  const started = Date.now();
  const socket = connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', (err: NodeJS.ErrnoException) => {
    error = err.code ?? err.message;
  });
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const done = new Promise<RawExchange>((resolve) =>
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({
        status: match ? Number(match[1]) : undefined,
        text,
        ms: Date.now() - started,
        ...(error === undefined ? {} : { error }),
      });
    }),
  );
  return { socket, connected, done };
}

/** Sends a whole raw request and waits for the server to answer and close (it asks `Connection: close`). */
export async function rawRequest(port: number, head: string, body = ''): Promise<RawExchange> {
  const connection = openRaw(port);
  await connection.connected;
  connection.socket.write(`${head}\r\nconnection: close\r\n\r\n${body}`);
  return connection.done;
}

/** The JSON body of a raw answer. */
export function rawJson(exchange: RawExchange): { error?: string; queued?: number } {
  const at = exchange.text.indexOf('\r\n\r\n');
  try {
    return JSON.parse(exchange.text.slice(at + 4)) as { error?: string; queued?: number };
  } catch {
    return {};
  }
}
