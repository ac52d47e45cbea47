import { severityName } from '../plugins/logger';
import { findRegistration, type PluginRegistration } from '../plugins/registration';
import { PluginHarness, type PluginState } from '../testing/harness';
import type { ExtractedValue } from '../testing/harness-types';
import { HarnessTables } from '../testing/tables-driver';
import { parseFieldSelector } from '../testing/field-selector';
import { PLUGIN_EVENT_TYPE } from '../sdk/event-layout';
import { eventTypeOf, ownEventSource } from '../testing/decode';
import { loadPluginModule } from './bundle';

/** One more plugin loaded beside the source: an extractor and/or parser of its events. */
export interface HarnessExtractor {
  readonly entry: string;
  readonly config: string;
}

/** Options of `falco-plugin harness`. */
export interface HarnessCommandOptions {
  readonly config: string;
  readonly open: string;
  readonly fields: readonly string[];
  readonly maxEvents?: number;
  readonly json: boolean;
  /** Plugins loaded after the source, in order, sharing its tables (`--extractor`). */
  readonly extractors?: readonly HarnessExtractor[];
}

function jsonValue(value: ExtractedValue): unknown {
  if (Array.isArray(value)) return value.map(jsonValue);
  return typeof value === 'bigint' ? Number(value) : (value ?? null);
}

/** A loaded plugin: its registration and its initialized state. */
interface Loaded {
  readonly registration: PluginRegistration;
  readonly harness: PluginHarness;
  readonly state: PluginState;
}

async function load(entry: string, config: string, tables: HarnessTables): Promise<Loaded> {
  const registration = findRegistration(await loadPluginModule(entry), entry);
  const harness = new PluginHarness(registration, {
    tables,
    log: (severity, message) =>
      process.stderr.write(`[${registration.info.name}] ${severityName(severity)}: ${message}\n`),
  });
  return { registration, harness, state: await harness.init(config) };
}

/**
 * Runs a plugin entry in the in-process harness and prints one line per event: its own fields, and with
 * `extractors` those of the plugins loaded beside it (each field goes to the first plugin that declares
 * it; each event is parsed first by every plugin that parses it), as the native host's `run` does.
 */
export async function runInHarness(
  entry: string,
  options: HarnessCommandOptions,
  out: (line: string) => void,
): Promise<void> {
  const tables = new HarnessTables();
  const plugins: Loaded[] = [];
  try {
    plugins.push(await load(entry, options.config, tables));
    for (const e of options.extractors ?? []) plugins.push(await load(e.entry, e.config, tables));
    const [source] = plugins;
    const owner = (name: string): Loaded => {
      const found = plugins.find((p) => p.harness.fields.some((f) => f.name === name));
      if (found === undefined) throw new Error(`no loaded plugin declares the field ${name}`);
      return found;
    };
    const selectors = options.fields.map((text) => {
      const name = text.replace(/\[.*$/, '');
      const plugin = owner(name);
      return { text, plugin, selector: parseFieldSelector(text, plugin.harness.fields) };
    });
    if (plugins.length === 1) {
      // the source alone: the harness's whole capture, with capture listening and async events
      for (const row of await source.state.run({
        open: options.open,
        fields: options.fields,
        maxEvents: options.maxEvents,
      }))
        out(line(options.json, row.number, row.timestamp, row.plugininfo, mapValues(row.fields)));
      return;
    }
    const sourceName = ownEventSource(source.registration) ?? '';
    const capture = await source.state.open(options.open);
    try {
      for await (const event of capture.events({ maxEvents: options.maxEvents })) {
        for (const p of plugins) if (p.state.parses(event, sourceName)) p.state.parse(event, sourceName);
        const fields: Record<string, unknown> = {};
        for (const { text, plugin, selector } of selectors) {
          fields[text] = plugin.state.extracts(event)
            ? jsonValue(plugin.state.extract(event, selector))
            : null;
        }
        const plugininfo = eventTypeOf(event) === PLUGIN_EVENT_TYPE ? source.state.eventToString(event) : '';
        out(line(options.json, event.number, event.timestamp, plugininfo, fields));
      }
    } finally {
      await capture.close();
    }
  } finally {
    for (const p of plugins.reverse()) await p.state.destroy();
  }
}

/** One event's output line: JSON, or `#<n> <plugininfo> field=value ...`. */
function line(
  json: boolean,
  number: number,
  timestamp: bigint,
  plugininfo: string,
  fields: Record<string, unknown>,
) {
  if (json) {
    return JSON.stringify({
      'evt.num': number,
      'evt.ts': Number(timestamp),
      'evt.plugininfo': plugininfo,
      ...fields,
    });
  }
  const shown = Object.entries(fields).map(([k, v]) => `${k}=${String(v)}`);
  return [`#${number}`, plugininfo, ...shown].join(' ');
}

function mapValues(fields: Record<string, ExtractedValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, jsonValue(v)]));
}
