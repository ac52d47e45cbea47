import { asyncExports, type AsyncExports } from '../capabilities/async/exports';
import type { AsyncBackend } from '../capabilities/async/backend';
import { listeningExports, type ListeningExports } from '../capabilities/listening/exports';
import type { RoutinesBackend } from '../capabilities/listening/backend';
import type { MetricsBackend } from '../capabilities/metrics/backend';
import { configExports, type ConfigExports } from '../capabilities/config/exports';
import { extractionExports, type ExtractionExports } from '../capabilities/extraction/exports';
import { parsingExports, type ParsingExports } from '../capabilities/parsing/exports';
import { sourcingExports, type SourcingExports } from '../capabilities/sourcing/exports';
import type { PluginRegistration } from '../plugins/registration';
import type { LogSeverity } from '../plugins/logger';
import type { BufferKind } from './exchange-layout';
import { PluginSymbols } from './plugin-symbols';
import type { ReturnCode } from './return-codes';
import type { MaybePromise } from './settle';
import type { TablesBackend } from '../capabilities/tables/backend';

/** The Node-API binding the native plugin layer links into each environment. */
export interface NativePluginBinding {
  /** Records the address of a buffer the symbols layer allocated. */
  adopt(kind: BufferKind, id: number, buffer: ArrayBuffer): void;
  /** Sends a log line to the host's logger. */
  log(severity: LogSeverity, message: string): void;
  /** The host's state tables, through the vtables of the current host call (`native/plugin/src/tables`). */
  readonly tables: TablesBackend;
  /** The host's thread pool, through the routine vtable of `capture_open` (`native/plugin/src/listening`). */
  readonly routines: RoutinesBackend;
  /** The declarations of the plugin's metrics (`native/plugin/src/metrics`). */
  readonly metrics: MetricsBackend;
  /** The host's async event handlers (`native/plugin/src/async`). */
  readonly async: AsyncBackend;
}

/** The name under which the native layer links its binding (`process._linkedBinding(name)`). */
export const NATIVE_BINDING_NAME = 'falco_ts_plugin';

/**
 * The functions the native layer calls, one per C symbol group, for the single plugin state of an
 * embedded environment: the common ones here, each capability's from its own `exports.ts`. Numbers in, numbers or strings out; per-event data goes through the buffers of
 * `exchange-layout.ts`.
 */
export interface NativeExports
  extends SourcingExports, ExtractionExports, ParsingExports, ConfigExports, ListeningExports, AsyncExports {
  /** The static information, read once to check the build against the library. */
  readonly registration: PluginRegistration;
  init(config: string): MaybePromise<ReturnCode>;
  destroy(): MaybePromise<void>;
  lastError(): string;
  reserveEventBuffer(size: number): void;
}

/**
 * Builds the exports of a plugin bundle for the native layer. The symbols object is created on the first
 * `init`, when the native binding of the environment exists.
 */
export function createNativeExports(
  registration: PluginRegistration,
  binding: () => NativePluginBinding,
): NativeExports {
  let symbols: PluginSymbols | undefined;
  const current = (): PluginSymbols => {
    if (symbols === undefined) throw new Error('the plugin state is not initialized');
    return symbols;
  };
  return {
    registration,
    init(config) {
      const native = binding();
      symbols = new PluginSymbols(registration, {
        memory: { adopt: (kind, id, buffer) => native.adopt(kind, id, buffer) },
        log: (severity, message) => native.log(severity, message),
        tables: native.tables,
        routines: native.routines,
        metrics: native.metrics,
        async: native.async,
      });
      return symbols.init(config);
    },
    destroy: () => current().destroy(),
    lastError: () => symbols?.getLastError() ?? '',
    reserveEventBuffer: (size) => current().reserveEventBuffer(size),
    ...sourcingExports(() => current().requireSourcing()),
    ...extractionExports(() => current().requireExtraction()),
    ...parsingExports(() => current().requireParsing()),
    ...configExports(() => current().config),
    ...listeningExports(() => current().requireListening()),
    ...asyncExports(() => current().requireAsync()),
  };
}
