/** The plugin API version whose ABI this SDK implements (falcosecurity/libs `plugin_api.h`). */
export const PLUGIN_API_VERSION = { major: 3, minor: 12, patch: 0 } as const;

/**
 * The plugin API minor each feature the SDK uses needs. A plugin requires, by default, the highest of those
 * it uses (see `defaultRequiredApiVersion`). It may require less: the SDK then reads no input member the older
 * host lacks and that feature is off (no host logger below 3.3: logs go to stderr; no value offsets below
 * 3.11; no sub-tables below 3.5; no `dump_state` below 3.10). Capture listening and the event schema version cannot be off: requiring
 * less than they need fails to register.
 */
export const API_MINOR_NEEDED = {
  /** The host logger (`init_input.log_fn`): every plugin logs through it. */
  logger: 3,
  /** Config updates (`set_config`). */
  setConfig: 4,
  /** State tables with sub-tables, given to plugins that parse or extract. */
  tables: 5,
  /** Capture listening and routines (`capture_open`, `capture_close`). */
  listening: 7,
  /** `dump_state`, for async event producers with a `dumpState` method. */
  dumpState: 10,
  /** Extract value offsets, which the SDK reports for every field (`ss_plugin_field_extract_input.value_offsets`). */
  extraction: 11,
  /** `get_required_event_schema_version`, for plugins that declare `requiredEventSchemaVersion`. */
  eventSchemaVersion: 12,
} as const;

/** What decides a plugin's default required API version. */
export interface ApiNeeds {
  /** Whether the plugin has event sourcing; it raises no minor beyond the 3.3 every plugin's logger needs. */
  readonly sourcing: boolean;
  /** Whether the plugin has field extraction: tables (3.5) and value offsets (3.11). */
  readonly extraction: boolean;
  /** Whether the plugin has event parsing: tables (3.5). */
  readonly parsing: boolean;
  /** Whether the plugin has capture listening (3.7; requiring less fails to register). */
  readonly listening: boolean;
  /** Whether the plugin has a `setConfig` method. */
  readonly setConfig: boolean;
  /** Whether the plugin declares a required event schema version. */
  readonly eventSchemaVersion: boolean;
  /** Whether the plugin has a `dumpState` method (async events). */
  readonly dumpState?: boolean;
}

type Feature = keyof typeof API_MINOR_NEEDED;

function highest(features: Feature[]): { minor: number; feature: Feature } | undefined {
  if (features.length === 0) return undefined;
  const feature = features.reduce((a, b) => (API_MINOR_NEEDED[b] > API_MINOR_NEEDED[a] ? b : a));
  return { minor: API_MINOR_NEEDED[feature], feature };
}

/** The features that cannot be off: a plugin that uses them must require what they need. */
function essentialFeatures(needs: ApiNeeds): Feature[] {
  const features: Feature[] = [];
  if (needs.listening) features.push('listening');
  if (needs.eventSchemaVersion) features.push('eventSchemaVersion');
  return features;
}

/** The API version a plugin requires when its info does not say: the lowest that all its features need. */
export function defaultRequiredApiVersion(needs: ApiNeeds): string {
  const features: Feature[] = ['logger', ...essentialFeatures(needs)];
  if (needs.setConfig) features.push('setConfig');
  if (needs.dumpState) features.push('dumpState');
  if (needs.parsing || needs.extraction) features.push('tables');
  if (needs.extraction) features.push('extraction');
  return `3.${highest(features)?.minor ?? 0}.0`;
}

/** The lowest minor a plugin with these needs may require, and the feature that needs it (none: 3.0). */
export function minimumApiMinor(needs: ApiNeeds): { minor: number; feature: Feature } | undefined {
  return highest(essentialFeatures(needs));
}

/** A parsed `MAJOR.MINOR.PATCH` version. */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** Parses `MAJOR.MINOR.PATCH`, or throws an error that names `what` and the bad text. */
export function parseSemVer(text: string, what: string): SemVer {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  if (!match) {
    throw new Error(`${what} "${text}" is not a MAJOR.MINOR.PATCH version`);
  }
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/**
 * Checks a plugin's required API version against what this SDK implements, the way the host does:
 * the major must be 3 and the minor must not exceed the SDK's.
 */
export function checkRequiredApiVersion(text: string): SemVer {
  const version = parseSemVer(text, 'required API version');
  if (version.major !== PLUGIN_API_VERSION.major) {
    throw new Error(
      `required API version ${text} has major ${version.major}; this SDK implements plugin API ${PLUGIN_API_VERSION.major}.x`,
    );
  }
  if (version.minor > PLUGIN_API_VERSION.minor) {
    throw new Error(
      `required API version ${text} is newer than the plugin API 3.${PLUGIN_API_VERSION.minor} this SDK implements`,
    );
  }
  return version;
}
