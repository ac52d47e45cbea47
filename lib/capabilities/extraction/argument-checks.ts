import { errorMessage } from '../../sdk/errors';
import type { FieldDefinition } from '../../sdk/fields/field-definition';

/** What the checks know of one argument of one field. */
interface Verdict {
  /** Why the argument is bad, or undefined when it is good. */
  readonly problem: string | undefined;
  /** Whether the host has been told (a failed extraction); from then on the field has no value with it. */
  reported: boolean;
}

/** How an extraction with a checked argument goes on. */
export const enum ArgumentOutcome {
  /** The argument is good (or the field checks none): extract. */
  Extract,
  /** A bad argument the host was told of: no value, no error. */
  NoValue,
}

/**
 * The `checkArg` verdicts of a plugin state's fields, one per field and distinct argument: each check runs
 * once. A bad argument fails the first host call that uses it (`hostCall`), with the check's message; the
 * calls after it give no value. Extraction ahead of the host's calls never consumes that first failure.
 */
export class ArgumentChecks {
  private readonly verdicts = new Map<number, Map<string | bigint, Verdict>>();

  /**
   * @throws Error with the check's message for a bad argument not reported yet.
   */
  check(id: number, definition: FieldDefinition, arg: string | bigint, hostCall: boolean): ArgumentOutcome {
    const check = definition.checkArg;
    if (check === undefined) return ArgumentOutcome.Extract;
    let field = this.verdicts.get(id);
    if (field === undefined) this.verdicts.set(id, (field = new Map()));
    let verdict = field.get(arg);
    if (verdict === undefined) {
      let problem: string | undefined;
      try {
        check(arg);
      } catch (err) {
        problem = errorMessage(err);
      }
      verdict = { problem, reported: false };
      field.set(arg, verdict);
    }
    if (verdict.problem === undefined) return ArgumentOutcome.Extract;
    if (verdict.reported) return ArgumentOutcome.NoValue;
    if (hostCall) verdict.reported = true;
    throw new Error(`invalid argument: ${verdict.problem}`);
  }
}
