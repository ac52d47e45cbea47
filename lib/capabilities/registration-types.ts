/** Type helpers for the compile-time completeness check each capability contributes to `registerPlugin`. */

/** A compile-time error naming a method the claimed capability requires, and its signature. */
export type MissingMethod<Signature extends string> = {
  readonly [K in `missing method ${Signature}`]: never;
};
/** `unknown` (no constraint) when `Has` is true, else the error naming `Signature`. */
export type Require<Has, Signature extends string> = Has extends true ? unknown : MissingMethod<Signature>;
/** Whether `T` has a method `K` assignable to `F`. */
export type HasMethod<T, K extends PropertyKey, F> = T extends { [P in K]: F } ? true : false;
