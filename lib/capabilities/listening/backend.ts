/**
 * What routines run on: the host's thread pool as one plugin state sees it. The native plugin layer
 * implements it over the routine vtable of `capture_open` (`native/plugin/src/listening`), the harness over
 * its own scheduler (`lib/testing/listening-driver.ts`). Both run a subscribed routine by calling
 * `ListeningSymbols.runRoutine(id)` until it returns false.
 */
export interface RoutinesBackend {
  /** Subscribes routine `id` to the host's thread pool. @throws Error with the host's message. */
  subscribe(id: number): void;
  /** Unsubscribes routine `id`; it does not run again once this returns. */
  unsubscribe(id: number): void;
}
