import { markCapability, type PluginBase } from '../capability';

/** The property that marks a plugin class as a capture listener. */
export const LISTENING = '~capability.listening';

/**
 * Adds capture listening to a plugin: the host calls `captureOpen` when a capture starts and `captureClose`
 * when it stops, and the plugin may run routines on the host's thread pool meanwhile (a periodic refresh, a
 * connection to watch) — the way the container plugin keeps its metadata fresh.
 *
 * @example
 * class Watcher extends CaptureListening(EventParsing(BasePlugin)) {
 *   captureOpen({ routines }: CaptureListenContext) {
 *     this.refresher = routines.subscribe(() => this.refresh());
 *   }
 *   captureClose() {}
 * }
 */
export function CaptureListening<B extends PluginBase>(Base: B) {
  abstract class CaptureListeningPlugin extends Base {
    declare readonly '~capability.listening': true;
  }
  markCapability(CaptureListeningPlugin, LISTENING);
  return CaptureListeningPlugin;
}
