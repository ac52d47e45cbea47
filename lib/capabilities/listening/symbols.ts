import type { BasePlugin } from '../../plugins/base-plugin';
import { errorMessage, ContractTypeError } from '../../sdk/errors';
import { ReturnCode } from '../../symbols/return-codes';
import { isUnawaitedPromise } from '../../symbols/settle';
import type { SharedState } from '../../symbols/shared-state';
import type { RoutinesBackend } from './backend';
import type { CaptureListen, CaptureListenContext, Routine, RoutineHandle, RoutinePool } from './interfaces';

class SubscribedRoutine implements RoutineHandle {
  active = true;
  constructor(
    readonly id: number,
    readonly run: Routine,
  ) {}
}

/**
 * The capture listening symbols of one plugin state: `capture_open`, `capture_close`, and the runs of the
 * routines the plugin subscribed to the host's thread pool.
 */
export class ListeningSymbols implements RoutinePool {
  private readonly context: CaptureListenContext = { routines: this };
  private readonly routines = new Map<number, SubscribedRoutine>();
  private nextId = 1;
  private open = false;

  constructor(
    private readonly state: SharedState,
    private readonly backend: RoutinesBackend | undefined,
  ) {}

  /** `plugin_capture_open`. */
  captureOpen(): ReturnCode {
    this.open = true;
    return this.call('captureOpen');
  }

  /** `plugin_capture_close`: the plugin's `captureClose`, then every routine still running is stopped. */
  captureClose(): ReturnCode {
    const rc = this.call('captureClose');
    this.open = false;
    this.stopAll();
    return rc;
  }

  /** One run of routine `id` on the host's thread pool: whether it runs again. */
  runRoutine(id: number): boolean {
    const routine = this.routines.get(id);
    if (routine === undefined || !routine.active) return false;
    try {
      const again: unknown = routine.run();
      if (isUnawaitedPromise(again))
        throw new ContractTypeError('a routine must return a boolean, it returned a Promise');
      if (again === true) return true;
    } catch (err) {
      this.state.logSink(3, `routine ${id} stopped: ${errorMessage(err)}`);
    }
    routine.active = false;
    this.routines.delete(id);
    return false;
  }

  /** Routine `id` was stopped outside JavaScript (its deadline): its handle is no longer active. */
  routineStopped(id: number): void {
    const routine = this.routines.get(id);
    if (routine === undefined) return;
    routine.active = false;
    this.routines.delete(id);
  }

  subscribe(run: Routine): RoutineHandle {
    if (typeof run !== 'function')
      throw new ContractTypeError('subscribe needs a function returning a boolean');
    if (!this.open) throw new Error('routines are subscribed while the capture is open (from captureOpen)');
    if (this.backend === undefined) throw new Error('the host gave this plugin no thread pool');
    const routine = new SubscribedRoutine(this.nextId++, run);
    this.routines.set(routine.id, routine);
    try {
      this.backend.subscribe(routine.id);
    } catch (err) {
      this.routines.delete(routine.id);
      routine.active = false;
      throw err;
    }
    return routine;
  }

  unsubscribe(handle: RoutineHandle): void {
    if (!(handle instanceof SubscribedRoutine) || this.routines.get(handle.id) !== handle) return;
    this.stop(handle);
  }

  /** Stops every routine still subscribed (capture close, destroy). */
  stopAll(): void {
    for (const routine of [...this.routines.values()]) this.stop(routine);
  }

  private stop(routine: SubscribedRoutine): void {
    routine.active = false;
    this.routines.delete(routine.id);
    try {
      this.backend?.unsubscribe(routine.id);
    } catch (err) {
      this.state.logSink(3, `routine ${routine.id}: unsubscribe failed: ${errorMessage(err)}`);
    }
  }

  private call(method: 'captureOpen' | 'captureClose'): ReturnCode {
    try {
      const plugin = this.state.requirePlugin() as BasePlugin & CaptureListen;
      const outcome: unknown = plugin[method](this.context);
      if (isUnawaitedPromise(outcome))
        throw new ContractTypeError(`${method} must return synchronously, it returned a Promise`);
      return ReturnCode.Success;
    } catch (err) {
      return this.state.fail(new Error(`${method} failed: ${errorMessage(err)}`));
    }
  }
}
