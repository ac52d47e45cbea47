/** The docs show the repository's code: every snippet is its region, every relative link a file. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkLinks, checkSnippets, readRegions, relativeLinks, type ReadFile } from './snippets';

const repo = path.resolve(__dirname, '../..');
const docsDir = path.join(repo, 'docs');
const docs = readdirSync(docsDir)
  .filter((name) => name.endsWith('.md'))
  .sort();

/** A repository file by its path from the root; undefined for none, or a path leaving the repository. */
const readRepoFile: ReadFile = (file) => {
  const full = path.resolve(repo, file);
  if (path.relative(repo, full).startsWith('..') || !existsSync(full) || !statSync(full).isFile()) {
    return undefined;
  }
  return readFileSync(full, 'utf8');
};

const show = (doc: string, problems: readonly { line: number; message: string }[]) =>
  problems.map((p) => `docs/${doc}:${p.line}: ${p.message}`);

describe('the docs', () => {
  it('include the walkthrough', () => {
    expect(docs).toContain('walkthrough.md');
  });

  describe.each(docs)('docs/%s', (doc) => {
    const markdown = readFileSync(path.join(docsDir, doc), 'utf8');

    it('shows each snippet exactly as its region in the named file', () => {
      expect(show(doc, checkSnippets(markdown, readRepoFile))).toEqual([]);
    });

    it('has relative links that point at existing files', () => {
      expect(show(doc, checkLinks(markdown, docsDir, existsSync))).toEqual([]);
    });
  });

  it('the walkthrough has snippets and links to check', () => {
    const markdown = readFileSync(path.join(docsDir, 'walkthrough.md'), 'utf8');
    expect(markdown.match(/<!-- snippet: /g)?.length ?? 0).toBeGreaterThan(20);
    expect(relativeLinks(markdown).length).toBeGreaterThan(10);
  });
});

describe('the snippet checker', () => {
  const source = [
    'class A {',
    '  // #region method',
    '  m(): number {',
    '',
    '    return 1;',
    '  }',
    '  // #endregion method',
    '}',
    '',
  ].join('\n');
  const files: Record<string, string> = {
    'src/a.ts': source,
    'src/open.ts': '// #region never-closed\nconst x = 1;\n',
  };
  const read: ReadFile = (file) => files[file];
  const doc = (code: string, marker = '<!-- snippet: src/a.ts#method -->') =>
    ['# Doc', '', marker, '```ts', code, '```', ''].join('\n');

  it('accepts a block equal to the region, its common indentation removed', () => {
    expect(readRegions(source).get('method')).toBe('m(): number {\n\n  return 1;\n}');
    expect(checkSnippets(doc('m(): number {\n\n  return 1;\n}'), read)).toEqual([]);
    // the blank line prettier puts between the marker and the block is allowed
    const spaced = '<!-- snippet: src/a.ts#method -->\n\n```ts\nm(): number {\n\n  return 1;\n}\n```\n';
    expect(checkSnippets(spaced, read)).toEqual([]);
  });

  it('reports a block that differs from its region', () => {
    const problems = checkSnippets(doc('m(): number {\n\n  return 2;\n}'), read);
    expect(problems).toHaveLength(1);
    expect(problems[0].line).toBe(3);
    expect(problems[0].message).toContain('snippet src/a.ts#method differs from the region');
    expect(problems[0].message).toContain('"  return 2;"');
  });

  it('reports a marker naming a missing file or a missing region', () => {
    expect(checkSnippets(doc('x', '<!-- snippet: src/gone.ts#method -->'), read)).toEqual([
      { line: 3, message: 'snippet src/gone.ts#method: no file src/gone.ts' },
    ]);
    expect(checkSnippets(doc('x', '<!-- snippet: src/a.ts#other -->'), read)).toEqual([
      { line: 3, message: 'snippet src/a.ts#other: src/a.ts has no region "other"' },
    ]);
  });

  it('reports a region that is opened but not closed', () => {
    expect(checkSnippets(doc('const x = 1;', '<!-- snippet: src/open.ts#never-closed -->'), read)).toEqual([
      {
        line: 3,
        message:
          'snippet src/open.ts#never-closed: src/open.ts:1: region "never-closed" is opened but not closed',
      },
    ]);
  });

  it('reports a ts block without a marker, and a marker without a block', () => {
    expect(checkSnippets('text\n```ts\nconst y = 2;\n```\n', read)).toEqual([
      { line: 2, message: 'ts code block without a snippet marker before it' },
    ]);
    expect(checkSnippets('<!-- snippet: src/a.ts#method -->\n\nSome text.\n\n```ts\nm\n```\n', read)).toEqual(
      [
        { line: 1, message: 'snippet src/a.ts#method is not directly followed by a ts code block' },
        { line: 5, message: 'ts code block without a snippet marker before it' },
      ],
    );
  });

  it('reports a relative link to a missing file, anchors stripped, URLs and code ignored', () => {
    const markdown = [
      'See [a](a.md#part), [b](missing.md#x), [site](https://falco.org), [top](#top).',
      '`[not a link](nowhere.md)`',
      '```sh',
      'echo [x](inside-code.md)',
      '```',
    ].join('\n');
    const exists = (file: string) => file === path.resolve('/docs', 'a.md');
    expect(checkLinks(markdown, '/docs', exists)).toEqual([
      { line: 1, message: 'link to missing.md#x: no such file' },
    ]);
  });
});
