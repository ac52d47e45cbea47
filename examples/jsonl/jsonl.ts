/**
 * A Falco source plugin of JSON-lines files: each line of the file its open params name is one event, and
 * the fields read the JSON of each event, parsed once per event. `get_progress` reports how much of the
 * file was read, so `falco -e`-style replays show it.
 */
// #region imports
import {
  BasePlugin,
  EventSourcing,
  FieldExtraction,
  fieldsWithContext,
  jsonValueField,
  registerPlugin,
  z,
  type EventReader,
  type PluginInfo,
} from 'falco-plugin-sdk';
import { access, constants } from 'node:fs/promises';
import { newLineInstance } from 'falco-plugin-sdk/prebuilts';
// #endregion imports

// #region schema
/** Init config: how large a line may be, and what to do with a line that is not JSON. */
export const JsonlConfig = z.object({
  maxLineBytes: z
    .number()
    .int()
    .min(16)
    .max(16 * 1024 * 1024)
    .default(256 * 1024)
    .describe('Longest line in bytes; a longer one is skipped with a warning'),
});
type Config = z.output<typeof JsonlConfig>;

/** What every field of one event shares: the line, parsed once. `json` is undefined for a line that is not JSON. */
interface ParsedLine {
  readonly text: string;
  readonly json: unknown;
}

const field = fieldsWithContext<ParsedLine>();
// #endregion schema

// #region class
export class JsonlPlugin extends FieldExtraction(EventSourcing(BasePlugin)) {
  override readonly initSchema = JsonlConfig;
  private maxLineBytes = 256 * 1024;

  info(): PluginInfo {
    return {
      id: 999,
      name: 'jsonl',
      description: 'Events from the lines of a JSON-lines file',
      contact: 'https://github.com/falcosecurity/plugins',
      version: '0.1.0',
      eventSource: 'jsonl',
    };
  }

  override init(config: Config): void {
    this.maxLineBytes = config.maxLineBytes;
  }
  // #endregion class

  // #region open
  /** The open params: the path of the file, which must be readable now. */
  async open(params: string) {
    const file = params.trim();
    if (file === '') throw new Error('open params must be the path of a JSON-lines file');
    await access(file, constants.R_OK).catch((err: Error) => {
      throw new Error(`cannot read ${file}: ${err.message}`);
    });
    return newLineInstance(file, {
      maxEventSize: this.maxLineBytes,
      invalidEvents: 'skip',
      logger: this.logger,
    });
  }
  // #endregion open

  // #region context
  override eventContext(event: EventReader): ParsedLine {
    const text = event.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined; // the fields of a line that is not JSON have no value; jsonl.valid says so
    }
    return { text, json };
  }
  // #endregion context

  // #region fields
  fields() {
    return [
      field(
        { name: 'jsonl.line', type: 'string', desc: 'The line, as it is in the file' },
        (req) => req.context.text,
      ),
      field(
        { name: 'jsonl.valid', type: 'bool', desc: 'Whether the line is valid JSON' },
        (req) => req.context.json !== undefined,
      ),
      jsonValueField<ParsedLine>(
        {
          name: 'jsonl.value',
          desc: 'The value at a JSON pointer in the line, e.g. jsonl.value[/user/name]; strings as they are, other values as JSON',
        },
        (req) => req.context.json,
      ),
    ];
  }
  // #endregion fields

  eventToString(event: EventReader): string {
    return event.text();
  }
}

export default registerPlugin(JsonlPlugin);
