import { findRegistration } from '../plugins/registration';
import {
  createNativeExports,
  NATIVE_BINDING_NAME,
  type NativeExports,
  type NativePluginBinding,
} from './native-bridge';

interface ProcessWithLinkedBindings {
  _linkedBinding(name: string): unknown;
}

/**
 * The module exports of a plugin bundle built for the native layer: the plugin module's registration
 * wrapped in the functions the plugin layer calls. `falco-plugin build` generates the entry that calls it.
 */
export function nativeEntry(pluginModule: Record<string, unknown>, moduleName: string): NativeExports {
  return createNativeExports(
    findRegistration(pluginModule, moduleName),
    () =>
      (process as unknown as ProcessWithLinkedBindings)._linkedBinding(
        NATIVE_BINDING_NAME,
      ) as NativePluginBinding,
  );
}
