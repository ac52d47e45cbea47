import type { RoutinesBackend } from '../capabilities/listening/backend';
import type { PluginSymbols } from '../symbols/plugin-symbols';
import { ReturnCode } from '../symbols/return-codes';
import { PluginCallError } from './harness-types';

/**
 * The host's thread pool in the harness: each subscribed routine runs again and again, between the test's
 * own steps (one run per turn of the event loop), until it returns false or is unsubscribed — as libsinsp's
 * pool runs it beside the event loop.
 */
export class HarnessThreadPool implements RoutinesBackend {
  private readonly subscribed = new Set<number>();
  private run: (id: number) => boolean = () => false;
  /** Runs of routines so far. */
  runs = 0;

  /** @internal */
  attach(run: (id: number) => boolean): void {
    this.run = run;
  }

  /** How many routines are subscribed. */
  get active(): number {
    return this.subscribed.size;
  }

  subscribe(id: number): void {
    this.subscribed.add(id);
    this.schedule(id);
  }

  unsubscribe(id: number): void {
    this.subscribed.delete(id);
  }

  private schedule(id: number): void {
    setImmediate(() => {
      if (!this.subscribed.has(id)) return;
      this.runs++;
      if (this.run(id)) this.schedule(id);
      else this.subscribed.delete(id);
    });
  }
}

/** The harness's driver of capture listening: `capture_open` and `capture_close`, as libsinsp calls them. */
export class ListeningDriver {
  constructor(private readonly symbols: PluginSymbols) {}

  /** @throws PluginCallError with the plugin's last error. */
  captureOpen(): void {
    if (this.symbols.requireListening().captureOpen() !== ReturnCode.Success)
      throw new PluginCallError('capture_open', this.symbols.getLastError());
  }

  /** @throws PluginCallError with the plugin's last error. */
  captureClose(): void {
    if (this.symbols.requireListening().captureClose() !== ReturnCode.Success)
      throw new PluginCallError('capture_close', this.symbols.getLastError());
  }
}
