import { findRegistration } from '../plugins/registration';
import { PluginHarness } from '../testing/harness';
import type { ExtractedValue } from '../testing/harness-types';
import { loadPluginModule } from './bundle';

/** Options of `falco-plugin harness`. */
export interface HarnessCommandOptions {
  readonly config: string;
  readonly open: string;
  readonly fields: readonly string[];
  readonly maxEvents?: number;
  readonly json: boolean;
}

function jsonValue(value: ExtractedValue): unknown {
  if (Array.isArray(value)) return value.map(jsonValue);
  return typeof value === 'bigint' ? Number(value) : (value ?? null);
}

/** Runs a plugin entry in the in-process harness and prints one line per event. */
export async function runInHarness(
  entry: string,
  options: HarnessCommandOptions,
  out: (line: string) => void,
): Promise<void> {
  const registration = findRegistration(await loadPluginModule(entry), entry);
  const harness = new PluginHarness(registration, {
    log: (severity, message) => process.stderr.write(`[${registration.info.name}] ${severity}: ${message}\n`),
  });
  const state = await harness.init(options.config);
  try {
    const rows = await state.run({
      open: options.open,
      fields: options.fields,
      maxEvents: options.maxEvents,
    });
    for (const row of rows) {
      if (options.json) {
        const fields = Object.fromEntries(Object.entries(row.fields).map(([k, v]) => [k, jsonValue(v)]));
        out(
          JSON.stringify({
            'evt.num': row.number,
            'evt.ts': Number(row.timestamp),
            'evt.plugininfo': row.plugininfo,
            ...fields,
          }),
        );
      } else {
        const fields = Object.entries(row.fields).map(([k, v]) => `${k}=${String(jsonValue(v))}`);
        out([`#${row.number}`, row.plugininfo, ...fields].join(' '));
      }
    }
  } finally {
    await state.destroy();
  }
}
