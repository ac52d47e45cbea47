/* Which bundles get no code cache entry: those that call import(), not those with something named import. */
import { hasDynamicImport } from '../../lib/cli/dynamic-import';

describe('hasDynamicImport', () => {
  it.each([
    ['a computed specifier', 'async function f(s) { return (await import(s)).join; }'],
    ['a module left outside the bundle', 'const fs = import("node:fs");'],
    ['an import() in an argument', 'g(1, import(`./${name}`));'],
  ])('finds %s', (_, source) => {
    expect(hasDynamicImport(source)).toBe(true);
  });

  it.each([
    ['a method named import', 'class Tables { import(name, declaration) { return name; } }'],
    ['a call of that method', 'tables.import("threads", {}); tables?.import("x", {});'],
    ['an object member', 'const o = { import(a) { return a; }, "import": 1 };'],
    ['the word in a string or comment', 'const s = "import(x)"; // import(y)'],
    ['no import at all', 'module.exports = 1;'],
  ])('does not count %s', (_, source) => {
    expect(hasDynamicImport(source)).toBe(false);
  });
});
