import { map, timer, type Observable, type SchedulerLike } from 'rxjs';

/**
 * The moment one `nextBatch` call must return by. Created at the start of each call, so a long pause of
 * the host between two calls never makes the next call time out at once (the stale-tick defect of the Go
 * SDK's reused ticker).
 */
export class Deadline {
  private readonly at: number;

  constructor(
    private readonly scheduler: SchedulerLike,
    timeout: number,
  ) {
    this.at = scheduler.now() + timeout;
  }

  /** Whether the deadline has passed. */
  get passed(): boolean {
    return this.scheduler.now() >= this.at;
  }

  /** Emits once when the deadline passes: a timer on the scheduler, released on unsubscribe. */
  expiry(): Observable<void> {
    return timer(Math.max(0, this.at - this.scheduler.now()), this.scheduler).pipe(map(() => undefined));
  }
}
