/**
 * Where async events go: the host's handler as one plugin state sees it. The native plugin layer implements
 * it over the handler of `set_async_event_handler` and `dump_state` (`native/plugin/src/async`), the harness
 * over its own (`lib/testing/async-driver.ts`).
 */
export interface AsyncBackend {
  /**
   * Hands one async event to the host's current handler: the one of `dump_state` while it runs (`dump`),
   * else the one of `set_async_event_handler`.
   *
   * @throws Error with the host's message when there is no handler or the host refuses the event.
   */
  emit(name: string, data: Uint8Array, dump: boolean): void;
}
