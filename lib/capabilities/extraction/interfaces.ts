/** The small interfaces of field extraction, at the granularity of the Go SDK. */
import type { ExtractRequest } from '../../sdk/extract-request';
import type { FieldDefinition } from '../../sdk/fields/field-definition';

/** The declared fields of an extractor. */
export interface Fields<Ctx = unknown> {
  fields(): readonly FieldDefinition<Ctx>[];
}

/** Extraction of one field per call (Go style), for fields declared without an extractor function. */
export interface Extract<Ctx = unknown> {
  extract(request: ExtractRequest<Ctx>): void;
}
