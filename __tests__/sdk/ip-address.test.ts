import { isIP } from 'node:net';
import { ipAddressBytes } from '../../lib/sdk/ip-address';

const hex = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('hex') : undefined);

describe('IP address text', () => {
  it.each([
    ['10.1.2.3', '0a010203'],
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['fd00::', 'fd000000000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['::2:3:4:5:6:7:8', '00000002000300040005000600070008'],
    ['::ffff:192.168.0.1', '00000000000000000000ffffc0a80001'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['64:ff9b::10.0.0.1', '0064ff9b0000000000000000' + '0a000001'],
    ['fe80::1%eth0', 'fe800000000000000000000000000001'],
    ['ABCD:EF01::', 'abcdef01000000000000000000000000'],
  ])('%s is %s', (text, bytes) => {
    expect(hex(ipAddressBytes(text))).toBe(bytes);
  });

  // Accepts exactly what net.isIP accepts, over crafted and random strings.
  const crafted = [
    '',
    '.',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.256',
    '1.2.3.-1',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1..3.4',
    ':',
    ':::',
    '1::2::3',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::',
    '1.2.3.4::',
    '::1.2.3',
    '::1.2.3.4.5',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:6::1.2.3.4',
    '::%',
    'fe80::%a b',
    '1:2:3:4:5::1.2.3.4',
    '::ffff:01.2.3.4',
    '[::1]',
    '::1/128',
    '0:0:0:0:0:0:0:0',
    '::0:0:0:0:0:0:0',
    '::0:0:0:0:0:0:0:0',
    '1:2:3:4:5:6:7',
    'fe80::1%',
    'fe80::1%en0%1',
    '1.2.3.4%eth0',
  ];
  const alphabet = '0123456789abcdefABCDEFg:.%';
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const randomTexts = Array.from({ length: 20000 }, () => {
    const length = 1 + (random() % 24);
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[random() % alphabet.length];
    return text;
  });

  // Near-addresses: 8 groups, a random run compressed, maybe a dotted tail or a zone, maybe one mutation.
  const pick = <T>(items: readonly T[]) => items[random() % items.length];
  const nearAddresses = Array.from({ length: 20000 }, () => {
    const groups = Array.from({ length: 8 }, () =>
      (random() % 0x10000).toString(16).slice(0, 1 + (random() % 4)),
    );
    if (random() % 3 === 0)
      groups.splice(6, 2, `${random() % 300}.${random() % 256}.${random() % 256}.${random() % 256}`);
    let text = groups.join(':');
    if (random() % 2 === 0) {
      const from = random() % groups.length;
      const to = Math.min(groups.length, from + (random() % 9));
      text = [...groups.slice(0, from), '', ...groups.slice(to)]
        .join(':')
        .replace(/^:(?!:)/, '::')
        .replace(/([^:]):$/, '$1::');
    }
    if (random() % 5 === 0) text += pick(['%eth0', '%', '%a.b-c:d', '%x y']);
    if (random() % 4 === 0) {
      const at = random() % (text.length + 1);
      text = text.slice(0, at) + pick([':', '.', '', '0', 'fffff', '::']) + text.slice(at + 1);
    }
    return text;
  });

  it('accepts a share of the near-addresses (the generator reaches both sides)', () => {
    const accepted = nearAddresses.filter((text) => ipAddressBytes(text) !== undefined).length;
    expect(accepted).toBeGreaterThan(2000);
    expect(accepted).toBeLessThan(18000);
  });

  it('agrees with net.isIP on every input', () => {
    const disagreements = [...crafted, ...randomTexts, ...nearAddresses].filter((text) => {
      const bytes = ipAddressBytes(text);
      const family = isIP(text);
      const ours = bytes === undefined ? 0 : bytes.length === 4 ? 4 : 6;
      return ours !== family;
    });
    expect(disagreements).toEqual([]);
  });
});
