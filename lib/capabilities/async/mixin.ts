import { markCapability, type PluginBase } from '../capability';

/** The property that marks a plugin class as a producer of async events. */
export const ASYNC = '~capability.async';

/**
 * Adds async events to a plugin: events it pushes into the host's event stream at any time, outside
 * `next_batch` — the way the container and k8smeta plugins send metadata. The host calls `startAsync` with
 * an emitter when a capture starts and `stopAsync` when it stops; `emitter.emit(name, data)` may be called
 * from anywhere in between (a timer, a socket, a promise). The names are declared in the info
 * (`asyncEvents`), and each name stands for one encoding of `data`.
 *
 * @example
 * class Heartbeat extends AsyncEvents(EventParsing(BasePlugin)) {
 *   private timer?: NodeJS.Timeout;
 *   info() {
 *     return { ...identity, asyncEvents: ['heartbeat'] };
 *   }
 *   startAsync(emitter: AsyncEventEmitter) {
 *     this.timer = setInterval(() => emitter.emit('heartbeat', new Date().toISOString()), 1000);
 *   }
 *   stopAsync() {
 *     clearInterval(this.timer);
 *   }
 *   parseEvent() {}
 * }
 */
export function AsyncEvents<B extends PluginBase>(Base: B) {
  abstract class AsyncEventsPlugin extends Base {
    declare readonly '~capability.async': true;
  }
  markCapability(AsyncEventsPlugin, ASYNC);
  return AsyncEventsPlugin;
}
