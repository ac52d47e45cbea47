import type { FlagTable } from './flag-tables';
import type { FlagsValue } from './param-types';

/**
 * The names a value resolves to in a flag table, as libsinsp resolves them. For an enumeration, every
 * name whose value is the value. For flags and modes, in table order, each entry whose bits are all still
 * set (its bits are then taken out), and an entry of value 0 only for a value of 0.
 */
export function resolveFlagNames(
  table: FlagTable | undefined,
  value: number,
  enumeration: boolean,
): string[] {
  if (table === undefined) return [];
  const names: string[] = [];
  if (enumeration) {
    for (const [name, entry] of table) if (entry === value) names.push(name);
    return names;
  }
  let left = value >>> 0;
  for (const [name, entry] of table) {
    if (entry === 0 ? value === 0 : left !== 0 && (left & entry) >>> 0 === entry) {
      names.push(name);
      left = (left & ~entry) >>> 0;
      if (entry === value) break;
    }
  }
  return names;
}

/**
 * The numeric value of a flags input: a number, a value as read, or a list of names of the table (their
 * values or-ed; an enumeration takes exactly one name). Throws for a name the table does not have.
 */
export function flagsInputValue(
  table: FlagTable | undefined,
  input: number | readonly string[] | FlagsValue,
  enumeration: boolean,
  where: string,
): number {
  if (typeof input === 'number') return input;
  if (!Array.isArray(input)) return (input as FlagsValue).value;
  const names = input as readonly string[];
  if (enumeration && names.length !== 1) {
    throw new Error(`${where}: an enumeration takes one name, got ${names.length}`);
  }
  let value = 0;
  for (const name of names) {
    const entry = table?.find(([known]) => known === name);
    if (entry === undefined) throw new Error(`${where}: unknown flag name '${name}'`);
    value = (value | entry[1]) >>> 0;
  }
  return value;
}
