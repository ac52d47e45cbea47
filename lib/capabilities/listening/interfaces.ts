/** The small interfaces of capture listening (API 3.7). */

/**
 * A function the host's thread pool runs again and again, on a thread of its own, until it returns `false`
 * or is unsubscribed. Each run is one call into the plugin: keep it short (a poll, a flush, a refresh) and
 * return; a throw stops the routine and is logged once.
 */
export type Routine = () => boolean;

/** A subscribed routine. */
export interface RoutineHandle {
  /** Whether the routine is still subscribed (false once it returned false, threw, or was unsubscribed). */
  readonly active: boolean;
}

/**
 * The host's thread pool. Routines are subscribed while the capture is open (from `captureOpen` until
 * `captureClose` returns); the SDK unsubscribes those still running when the capture closes and when the
 * plugin is destroyed.
 */
export interface RoutinePool {
  /**
   * Subscribes a routine to the host's thread pool: it runs until it returns `false`, throws, is
   * unsubscribed, or the capture closes.
   *
   * @throws Error outside an open capture (before `captureOpen`, after `captureClose`), when the host gave
   * the plugin no thread pool, or with the host's message when it refuses.
   */
  subscribe(routine: Routine): RoutineHandle;
  /** Stops a routine; it does not run again once this returns. */
  unsubscribe(handle: RoutineHandle): void;
}

/** What the host hands to `captureOpen` and `captureClose`. */
export interface CaptureListenContext {
  /** The host's thread pool. */
  readonly routines: RoutinePool;
}

/**
 * Called when the capture starts, before the first event, and when it stops, after the last. Tables of
 * others are read and written during both. Synchronous: a returned Promise fails the call. Throwing fails it
 * with the error's message.
 */
export interface CaptureListen {
  /** Called when a capture starts (`plugin_capture_open`): the place to subscribe routines. */
  captureOpen(context: CaptureListenContext): void;
  /**
   * Called when the capture stops (`plugin_capture_close`); once it returns, the SDK unsubscribes the
   * routines still running.
   */
  captureClose(context: CaptureListenContext): void;
}
