/** The plugin API version whose ABI this SDK implements (falcosecurity/libs `plugin_api.h`). */
export const PLUGIN_API_VERSION = { major: 3, minor: 12, patch: 0 } as const;

/**
 * The API version a plugin requires by default. 3.11 is the lowest minor that carries every feature the SDK
 * reads from the host by default (extract value offsets); a plugin may require a lower version if it uses
 * fewer features, and the SDK then stops reading the members the older host does not have.
 */
export const DEFAULT_REQUIRED_API_VERSION = '3.11.0';

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
