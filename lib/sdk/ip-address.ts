/**
 * IP address text to bytes, for `ipaddr` and `ipnet` field values. Accepts what `net.isIP` accepts (dotted
 * IPv4 without leading zeros; IPv6 with at most one `::`, an optional trailing dotted IPv4 and an optional
 * `%zone`), without loading `node:net` into every plugin at start-up.
 */

const IPV4_PART = /^(?:0|[1-9][0-9]{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE = /^[0-9a-zA-Z\-.:]+$/;

/** The 4 bytes of a dotted IPv4 address, or `undefined`. */
export function ipv4Bytes(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (!IPV4_PART.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

/** The 16 bytes of an IPv6 address (its zone, if any, checked and dropped), or `undefined`. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  let address = text;
  const percent = text.indexOf('%');
  if (percent >= 0) {
    if (!ZONE.test(text.slice(percent + 1))) return undefined;
    address = text.slice(0, percent);
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): string[] | undefined => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  const explicit = [...head, ...tail];
  // A dotted IPv4 address may end the address, in place of its last two groups.
  const last = explicit.length > 0 ? explicit[explicit.length - 1] : '';
  const v4 = last.includes('.') ? ipv4Bytes(last) : undefined;
  if (last.includes('.') && (v4 === undefined || (halves.length === 2 && tail.length === 0)))
    return undefined;
  const groupCount = explicit.length + (v4 ? 1 : 0);
  const compressed = halves.length === 2;
  if (compressed ? groupCount > 7 : groupCount !== 8) return undefined;
  const values: number[] = [];
  for (let i = 0; i < explicit.length - (v4 ? 1 : 0); i++) {
    if (!IPV6_GROUP.test(explicit[i])) return undefined;
    values.push(parseInt(explicit[i], 16));
  }
  const out = new Uint8Array(16);
  const headCount = v4 && tail.length === 0 ? head.length - 1 : head.length;
  const tailValues = values.slice(headCount);
  const put = (group: number, value: number) => {
    out[group * 2] = value >> 8;
    out[group * 2 + 1] = value & 0xff;
  };
  for (let i = 0; i < headCount; i++) put(i, values[i]);
  const v4Groups = v4 ? 2 : 0;
  const tailStart = 8 - v4Groups - tailValues.length;
  for (let i = 0; i < tailValues.length; i++) put(tailStart + i, tailValues[i]);
  if (v4) out.set(v4, 12);
  return out;
}

/** The bytes of an IPv4 (4) or IPv6 (16) address given as text, or `undefined`. */
export function ipAddressBytes(text: string): Uint8Array | undefined {
  return text.includes(':') ? ipv6Bytes(text) : ipv4Bytes(text);
}
