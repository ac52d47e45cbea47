/** The small interfaces of async events. */

/**
 * Pushes async events into the host's event stream. `name` must be one of the plugin's `asyncEvents`;
 * `data` is the event's payload (text is written as UTF-8). The host copies the event before `emit`
 * returns: the bytes may be reused right after.
 *
 * @throws Error when the emitter is no longer live (after `stopAsync`, or once `dumpState` returned), for an
 * undeclared name, or with the host's message when the host refuses the event.
 */
export interface AsyncEventEmitter {
  /**
   * Pushes one async event named `name` (one of the plugin's `asyncEvents`) with `data` as its payload; the
   * host has copied the event when this returns.
   *
   * @throws Error when the emitter is not live, for an undeclared name or data neither bytes nor text, or
   * with the host's message when the host refuses the event.
   */
  emit(name: string, data: Uint8Array | string): void;
  /** Whether events may be emitted now. */
  readonly live: boolean;
}

/**
 * Starts and stops the production of async events. `startAsync` is called when the host installs its
 * handler (a capture starts), `stopAsync` when it removes it; after `stopAsync` returns, the emitter refuses
 * events. Both are synchronous: a returned Promise fails the call; a throw fails it with its message.
 */
export interface AsyncEventSource {
  /**
   * Called when the host installs its async event handler (`plugin_set_async_event_handler`, as a capture
   * starts): start producing events with `emitter`, which stays live until `stopAsync`.
   */
  startAsync(emitter: AsyncEventEmitter): void;
  /**
   * Called when the host removes its handler (as the capture stops), and when the plugin is destroyed with
   * its events still started: stop producing events. The emitter refuses events from then on, even if this
   * throws.
   */
  stopAsync(): void;
}

/**
 * Writes the plugin's state as async events, when the host saves a capture (API 3.10): every event that
 * `emitter` takes during the call goes into the capture file, so that reading it later rebuilds the state.
 * The emitter is live only during the call.
 */
export interface DumpState {
  /**
   * Emits the plugin's state as async events (`plugin_dump_state`, API 3.10), synchronously, through
   * `emitter`, which is live during the call only.
   *
   * @throws Error to fail the dump: the host gets `dumpState failed: <message>`.
   */
  dumpState(emitter: AsyncEventEmitter): void;
}
