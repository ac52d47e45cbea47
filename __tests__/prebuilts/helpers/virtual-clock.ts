/* Virtual time for the prebuilts: an RxJS TestScheduler whose clock the test moves, running the promise
   continuations that each timer triggers before the next one fires, so waits are exact and independent of
   the machine's speed. */
import type { Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

/** Lets pending promise callbacks (and the callbacks they schedule) run. */
export async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A virtual clock in milliseconds, starting at 0. */
export class VirtualClock {
  readonly scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

  /** The current virtual time. */
  get now(): number {
    return this.scheduler.now();
  }

  /** Timers still scheduled. */
  get pendingTimers(): number {
    return this.scheduler.actions.length;
  }

  /**
   * A cold Observable from a marble diagram on this clock, one frame per virtual millisecond
   * (`a---b|`: `a` at 0 ms, `b` at 4 ms, completion at 5 ms).
   */
  cold<T>(diagram: string, values?: Record<string, T>): Observable<T> {
    const factor = TestScheduler.frameTimeFactor;
    TestScheduler.frameTimeFactor = 1;
    try {
      return this.scheduler.createColdObservable<T>(diagram, values);
    } finally {
      TestScheduler.frameTimeFactor = factor;
    }
  }

  /** Moves the clock forward by `ms`, firing each due timer at its own time, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.scheduler.frame + ms;
    await settleMicrotasks();
    for (;;) {
      const next = this.scheduler.actions[0];
      if (next === undefined || next.delay > target) break;
      this.scheduler.maxFrames = next.delay;
      this.scheduler.flush();
      await settleMicrotasks();
    }
    this.scheduler.frame = target;
    await settleMicrotasks();
  }
}
