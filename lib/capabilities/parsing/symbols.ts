import type { BasePlugin } from '../../plugins/base-plugin';
import { errorMessage, ContractTypeError } from '../../sdk/errors';
import { ReturnCode } from '../../symbols/return-codes';
import { isUnawaitedPromise } from '../../symbols/settle';
import type { SharedState } from '../../symbols/shared-state';
import type { ParseContext, ParseEvent } from './interfaces';

/** The context handed to `parseEvent`, reused from call to call. */
class CurrentParseContext implements ParseContext {
  source = '';
}

/**
 * The event parsing symbols of one plugin state: `parse_event`, for the event the host placed in the Event
 * buffer. An error (a throw, a Promise) fails the call with a message naming the event.
 */
export class ParsingSymbols {
  private readonly context = new CurrentParseContext();

  constructor(private readonly state: SharedState) {}

  /**
   * `plugin_parse_event`. `source` is the event's source when it differs from the previous call's (the
   * native layer sends it only then).
   */
  parseEvent(source?: string): ReturnCode {
    if (source !== undefined) this.context.source = source;
    const state = this.state;
    try {
      state.loadEvent();
      const plugin = state.requirePlugin() as BasePlugin & ParseEvent;
      const outcome: unknown = plugin.parseEvent(state.reader, this.context);
      if (isUnawaitedPromise(outcome)) {
        throw new ContractTypeError('parseEvent must return synchronously, it returned a Promise');
      }
      return ReturnCode.Success;
    } catch (err) {
      return state.fail(new Error(`cannot parse event ${state.reader.number}: ${errorMessage(err)}`));
    }
  }
}
