/** The small interfaces of field extraction, at the granularity of the Go SDK. */
import type { ExtractRequest } from '../../sdk/extract-request';
import type { FieldDefinition } from '../../sdk/fields/field-definition';

/** The declared fields of an extractor. */
export interface Fields<Ctx = unknown> {
  /**
   * The fields the plugin extracts; a field's index in the list is its id. Called on the instance made at
   * registration, where the list is validated and becomes the `get_fields` JSON (the host reads it without
   * a plugin state), and once per plugin state before `init`, for that state's extractors: it must return
   * the same declarations each time.
   */
  fields(): readonly FieldDefinition<Ctx>[];
}

/** Extraction of one field per call (Go style), for fields declared without an extractor function. */
export interface Extract<Ctx = unknown> {
  /**
   * Extracts one field of one event (`plugin_extract_fields`, which libsinsp calls with one field per call,
   * once per filter check per event): read the field and its argument from `request` and set the value with
   * `request.setValue`; not setting one means "no value". Synchronous. Work shared by the fields of an
   * event belongs in `eventContext` (`request.context`). For the plugin's own events it may run right after
   * `next_batch`, ahead of the host's calls (see `FieldSpec.prefetch`).
   *
   * @throws Error to fail the call: the host gets `cannot extract <field> from event <number>: <message>`.
   */
  extract(request: ExtractRequest<Ctx>): void;
}
