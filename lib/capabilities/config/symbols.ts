import { adoptConfig, type BasePlugin } from '../../plugins/base-plugin';
import { errorMessage } from '../../sdk/errors';
import { parseJsonInput, parsingSchema } from '../../sdk/json-input';
import { ReturnCode } from '../../symbols/return-codes';
import { settle, type MaybePromise } from '../../symbols/settle';
import type { SharedState } from '../../symbols/shared-state';
import type { SetConfig } from './interfaces';

/** Whether a plugin object takes config updates. */
function takesUpdates(plugin: BasePlugin): plugin is BasePlugin & SetConfig<unknown> {
  return typeof (plugin as Partial<SetConfig<unknown>>).setConfig === 'function';
}

function refused(err: unknown): Error {
  return new Error(`config update refused: ${errorMessage(err)}`);
}

/**
 * The config update symbol of one plugin state, `set_config`: the config parsed with the plugin's
 * `initSchema` (strict when the init config is), then handed to `setConfig`.
 */
export class ConfigSymbols {
  constructor(private readonly state: SharedState) {}

  /** `plugin_set_config`. */
  setConfig(config: string): MaybePromise<ReturnCode> {
    return settle(
      () => {
        const plugin = this.state.requirePlugin();
        if (!takesUpdates(plugin)) {
          throw new Error(
            `plugin ${this.state.registration.info.name} takes no config updates (it has no setConfig)`,
          );
        }
        const parsed = plugin.initSchema
          ? parseJsonInput(
              'config update',
              config,
              parsingSchema(plugin.initSchema, { strict: plugin.strictInitSchema }),
            )
          : config;
        try {
          const outcome = plugin.setConfig(parsed);
          return outcome instanceof Promise
            ? outcome.then(
                () => adoptConfig(plugin, parsed),
                (err: unknown) => Promise.reject(refused(err)),
              )
            : adoptConfig(plugin, parsed);
        } catch (err) {
          throw refused(err);
        }
      },
      () => ReturnCode.Success,
      (err) => this.state.fail(err),
    );
  }
}
