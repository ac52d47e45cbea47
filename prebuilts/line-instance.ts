import { open as openFile, stat } from 'node:fs/promises';
import { EOF, type Progress } from '../lib/index';
import { newPullInstance, type PullInstance, type PullResult } from './pull-instance';
import type { SourceEvent } from './source-event';
import type { SourceInstanceOptions } from './source-options';
import { ContractTypeError } from '../lib/sdk/errors';

/** Options of `newLineInstance`. */
export interface LineInstanceOptions extends Omit<SourceInstanceOptions, 'progress'> {
  /** What ends a record (default `'\n'`); any non-empty string, matched as UTF-8 bytes. */
  readonly delimiter?: string;
  /** Keep empty records (default `false`: blank lines are skipped). */
  readonly keepEmpty?: boolean;
  /** With the `'\n'` delimiter, drop a `'\r'` before it (Windows line ends; default `true`). */
  readonly stripCarriageReturn?: boolean;
  /** Bytes read from the file at a time (default 64 KiB). */
  readonly chunkSize?: number;
}

/** Where the records come from: a file path, or chunks of bytes (a Node readable stream is one). */
export type LineInput = string | AsyncIterable<Uint8Array | string>;

const DEFAULT_CHUNK = 64 * 1024;

/** The chunks of a file, read as the pulls ask, and how far the reading got. */
async function* fileChunks(
  path: string,
  chunkSize: number,
  read: { bytes: number },
): AsyncGenerator<Uint8Array> {
  const handle = await openFile(path, 'r');
  try {
    for (;;) {
      const buffer = new Uint8Array(chunkSize);
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, null);
      if (bytesRead === 0) return;
      read.bytes += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Splits chunks into records at `delimiter`, each record bounded to `limit + 1` bytes (memory stays bounded). */
class RecordSplitter {
  private partial: Uint8Array[] = [];
  private partialSize = 0;
  private oversized = false;
  private carry = new Uint8Array(0);

  constructor(
    private readonly delimiter: Uint8Array,
    private readonly limit: number,
    private readonly keepEmpty: boolean,
    private readonly stripCr: boolean,
  ) {}

  /** The records completed by `chunk`. */
  push(chunk: Uint8Array): SourceEvent[] {
    // the bytes held back from the previous chunk may begin a delimiter that this one ends
    const data =
      this.carry.length > 0 ? concat([this.carry, chunk], this.carry.length + chunk.length) : chunk;
    const records: SourceEvent[] = [];
    let start = 0;
    for (let at = indexOf(data, this.delimiter, 0); at >= 0; at = indexOf(data, this.delimiter, start)) {
      this.append(data.subarray(start, at));
      this.finish(records);
      start = at + this.delimiter.length;
    }
    const hold = Math.min(this.delimiter.length - 1, data.length - start);
    this.append(data.subarray(start, data.length - hold));
    this.carry = data.slice(data.length - hold);
    return records;
  }

  /** The last record, when the input does not end with a delimiter. */
  end(): SourceEvent[] {
    this.append(this.carry);
    this.carry = new Uint8Array(0);
    const records: SourceEvent[] = [];
    if (this.partialSize > 0 || this.oversized) this.finish(records);
    return records;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0 || this.oversized) return;
    const room = this.limit + 1 - this.partialSize;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.partial.push(kept.slice());
    this.partialSize += kept.length;
    // past the limit: the first limit + 1 bytes say it is too large, the rest until the delimiter goes
    if (this.partialSize > this.limit) this.oversized = true;
  }

  private finish(records: SourceEvent[]): void {
    let data = this.partial.length === 1 ? this.partial[0] : concat(this.partial, this.partialSize);
    this.partial = [];
    this.partialSize = 0;
    this.oversized = false;
    if (this.stripCr && data.length > 0 && data[data.length - 1] === 13)
      data = data.subarray(0, data.length - 1);
    if (data.length > 0 || this.keepEmpty) records.push({ data });
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  if (needle.length === 1) return haystack.indexOf(needle[0], from);
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle, from);
}

/**
 * A source instance of the records of a file or a stream: lines by default, or records ended by any
 * `delimiter`, one event each (the record's bytes, the delimiter excluded). For a file it reports its
 * progress in bytes (`get_progress`: `12.5%`, `1048576 of 8388608 bytes`); it ends (EOF) at the end of
 * the input, the last record included when the input does not end with a delimiter.
 *
 * A record longer than `maxEventSize` is refused as an event too large, under the `invalidEvents`
 * policy (`'fail'` by default; `'skip'` counts it); only its first `maxEventSize + 1` bytes are kept in
 * memory. Each event's `data` is a copy the instance does not touch again.
 *
 * @example
 * open(params: string) {
 *   return newLineInstance(params, { logger: this.logger }); // params: the path of a JSON-lines file
 * }
 */
export function newLineInstance(input: LineInput, options: LineInstanceOptions = {}): PullInstance {
  const delimiterText = options.delimiter ?? '\n';
  if (typeof delimiterText !== 'string' || delimiterText === '')
    throw new ContractTypeError('newLineInstance: delimiter must be a non-empty string');
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0)
    throw new ContractTypeError(
      `newLineInstance: chunkSize must be a positive integer, got ${String(chunkSize)}`,
    );
  const read = { bytes: 0 };
  let total: number | undefined;
  let chunks: AsyncIterator<Uint8Array | string>;
  if (typeof input === 'string') {
    chunks = fileChunks(input, chunkSize, read);
    stat(input).then(
      (s) => (total = s.size),
      () => undefined, // the first read says why
    );
  } else if (
    input !== null &&
    typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  ) {
    chunks = input[Symbol.asyncIterator]();
  } else {
    throw new ContractTypeError('newLineInstance: input must be a file path or an async iterable of bytes');
  }
  const splitter = new RecordSplitter(
    Buffer.from(delimiterText, 'utf8'),
    options.maxEventSize ?? 256 * 1024,
    options.keepEmpty ?? false,
    (options.stripCarriageReturn ?? true) && delimiterText === '\n',
  );
  let ended = false;
  const pull = async (): Promise<PullResult> => {
    if (ended) return EOF;
    for (;;) {
      const next = await chunks.next();
      if (next.done === true) {
        ended = true;
        const last = splitter.end();
        return last.length > 0 ? last : EOF;
      }
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
      if (typeof input !== 'string') read.bytes += chunk.length;
      const records = splitter.push(chunk);
      if (records.length > 0) return records;
    }
  };
  const progress = (): Progress => {
    if (total === undefined || total === 0) return { value: ended ? 1 : 0, detail: `${read.bytes} bytes` };
    const value = Math.min(1, read.bytes / total);
    return { value, detail: `${read.bytes} of ${total} bytes` };
  };
  const sourceOptions: SourceInstanceOptions = { ...options };
  for (const key of ['delimiter', 'keepEmpty', 'stripCarriageReturn', 'chunkSize'] as const)
    delete (sourceOptions as Record<string, unknown>)[key];
  return newPullInstance(pull, {
    ...sourceOptions,
    progress,
    onClose: async () => {
      await chunks.return?.();
      await options.onClose?.();
    },
  });
}
