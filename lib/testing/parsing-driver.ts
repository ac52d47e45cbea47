import type { PluginRegistration } from '../plugins/registration';
import type { PluginSymbols } from '../symbols/plugin-symbols';
import { ReturnCode } from '../symbols/return-codes';
import { eventTypeOf, ownEventSource } from './decode';
import { PluginCallError, type CapturedEvent } from './harness-types';

/**
 * The harness's driver of event parsing: which events the host hands to `parse_event` (the plugin's parse
 * sources and types, with libsinsp's defaults), and the call itself, the source sent only when it changes.
 */
export class ParsingDriver {
  private readonly sources: readonly string[];
  private readonly types: ReadonlySet<number>;
  private lastSource: string | undefined;

  constructor(
    private readonly symbols: PluginSymbols,
    registration: PluginRegistration,
  ) {
    const declared = JSON.parse(registration.parseEventSourcesJson) as string[];
    const own = ownEventSource(registration);
    // libsinsp's rule: a source plugin always parses its own source, beside those it declares; no source
    // at all means every source
    this.sources = own && !declared.includes(own) ? [...declared, own] : declared;
    this.types = new Set(registration.parseEventTypes);
  }

  /** Whether the host would hand the event, of `source`, to `parse_event`. */
  accepts(event: CapturedEvent, source: string): boolean {
    const sourceOk = this.sources.length === 0 || this.sources.includes(source);
    if (!sourceOk) return false;
    return this.types.size === 0 || this.types.has(eventTypeOf(event));
  }

  /**
   * One `parse_event` call for the event in the Event buffer.
   *
   * @throws PluginCallError with the plugin's last error.
   */
  parse(source: string): void {
    const changed = source !== this.lastSource;
    this.lastSource = source;
    const rc = this.symbols.requireParsing().parseEvent(changed ? source : undefined);
    if (rc !== ReturnCode.Success) throw new PluginCallError('parse_event', this.symbols.getLastError());
  }
}
