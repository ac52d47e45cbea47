/**
 * What every capability shares: the base a capability mixin extends, and the marker each mixin sets on
 * its class so that the SDK (and the compile-time check of `registerPlugin`) knows what a plugin composes.
 */
import type { BasePlugin } from '../plugins/base-plugin';

/** Any (possibly abstract) class producing a `BasePlugin`; the `any[]` rest parameter is what TypeScript requires of mixin bases. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PluginBase = abstract new (...args: any[]) => BasePlugin;

/** Marks the classes a capability mixin returns (on the prototype, so subclasses inherit it). */
export function markCapability(mixin: abstract new (...args: never[]) => unknown, marker: string): void {
  Object.defineProperty(mixin.prototype, marker, { value: true });
}

/** Whether a plugin object has the capability of `marker` (set by its mixin on the prototype chain). */
export function hasCapability(plugin: object, marker: string): boolean {
  return (plugin as Record<string, unknown>)[marker] === true;
}
