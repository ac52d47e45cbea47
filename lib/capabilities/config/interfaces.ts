/** The small interface of config updates (API 3.4). */

/**
 * Takes a new config while the plugin runs. The config is parsed and validated with the plugin's
 * `initSchema`, like the init config: a bad one fails the update with the key and the problem, and
 * `setConfig` is not called (the plugin keeps its config). Throwing refuses the update with the error's
 * message.
 */
export interface SetConfig<Config> {
  /**
   * Takes a config update (`plugin_set_config`, API 3.4), parsed and validated with `initSchema` (the raw
   * string without a schema); may return a Promise. Once it returns, `this.config` of a
   * `BasePlugin.withConfig` plugin is the new config.
   *
   * @throws Error to refuse the update: the host gets `config update refused: <message>`.
   */
  setConfig(config: Config): void | Promise<void>;
}
