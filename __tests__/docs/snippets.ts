/**
 * Checks that the code in the docs is the code of the repository. A source file marks a region with
 * `// #region <name>` and `// #endregion <name>` lines; a doc shows it with a marker line
 * `<!-- snippet: <file>#<name> -->` (the file relative to the repository root) directly before a fenced
 * `ts` block (only blank lines between them: prettier puts one there) whose content is the region's lines,
 * without the marker lines of any region and with the region's common leading indentation removed. Every
 * `ts` block of a doc needs such a marker.
 */
import path from 'node:path';

/** One problem found in a doc, with the line of the doc (1-based) it is about. */
export interface DocProblem {
  readonly line: number;
  readonly message: string;
}

const REGION_START = /^\s*\/\/ #region (\S+)\s*$/;
const REGION_END = /^\s*\/\/ #endregion (\S+)\s*$/;
const SNIPPET_MARKER = /^<!-- snippet: (\S+?)#(\S+) -->$/;
const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const CHECKED_LANGUAGES = new Set(['ts', 'typescript']);

/** Removes the common leading whitespace of the non-blank lines; blank lines become empty. */
export function dedent(lines: readonly string[]): string[] {
  const indents = lines
    .filter((line) => line.trim() !== '')
    .map((line) => /^\s*/.exec(line)?.[0].length ?? 0);
  const common = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => (line.trim() === '' ? '' : line.slice(common)));
}

/**
 * The regions of a source file, by name, each as the text a doc shows.
 *
 * @throws Error for a region opened twice, closed without being open, or never closed.
 */
export function readRegions(source: string, file = 'source'): Map<string, string> {
  const lines = source.split('\n');
  const open = new Map<string, number>();
  const regions = new Map<string, string>();
  lines.forEach((line, index) => {
    const start = REGION_START.exec(line);
    const end = REGION_END.exec(line);
    if (start) {
      const name = start[1];
      if (open.has(name) || regions.has(name)) {
        throw new Error(`${file}:${index + 1}: region "${name}" is opened a second time`);
      }
      open.set(name, index);
    } else if (end) {
      const name = end[1];
      const from = open.get(name);
      if (from === undefined)
        throw new Error(`${file}:${index + 1}: region "${name}" is closed but not open`);
      open.delete(name);
      const body = lines.slice(from + 1, index).filter((l) => !REGION_START.test(l) && !REGION_END.test(l));
      regions.set(name, dedent(body).join('\n'));
    }
  });
  for (const [name, index] of open) {
    throw new Error(`${file}:${index + 1}: region "${name}" is opened but not closed`);
  }
  return regions;
}

/** A fenced code block of a doc. */
interface Fence {
  /** Line of the opening fence (1-based). */
  readonly line: number;
  readonly language: string;
  readonly content: string;
  /** The last non-blank line before the opening fence (1-based), 0 when there is none. */
  readonly previousLine: number;
  /** The text of that line ('' when there is none). */
  readonly previous: string;
}

/** The fenced code blocks of a doc, and the lines outside them. */
function scan(markdown: string): {
  fences: Fence[];
  prose: { line: number; text: string }[];
  unclosed?: number;
} {
  const lines = markdown.split('\n');
  const fences: Fence[] = [];
  const prose: { line: number; text: string }[] = [];
  let i = 0;
  while (i < lines.length) {
    const opening = FENCE.exec(lines[i]);
    if (!opening) {
      prose.push({ line: i + 1, text: lines[i] });
      i++;
      continue;
    }
    const [, indent, marks, info] = opening;
    const close = new RegExp(`^\\s*${marks[0] === '`' ? '`' : '~'}{${marks.length},}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j])) j++;
    if (j === lines.length) return { fences, prose, unclosed: i + 1 };
    const body = lines.slice(i + 1, j).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l));
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    fences.push({
      line: i + 1,
      language: info.trim().split(/\s+/)[0] ?? '',
      content: body.join('\n'),
      previousLine: before + 1,
      previous: before >= 0 ? lines[before] : '',
    });
    i = j + 1;
  }
  return { fences, prose };
}

/** Reads a repository file by its path from the root; undefined when there is no such file. */
export type ReadFile = (file: string) => string | undefined;

/**
 * Checks every snippet marker of a doc against its region, and that every `ts` block has a marker.
 *
 * @returns the problems, in the order of the doc; none when the doc's code is the repository's.
 */
export function checkSnippets(markdown: string, readFile: ReadFile): DocProblem[] {
  const problems: DocProblem[] = [];
  const { fences, prose, unclosed } = scan(markdown);
  if (unclosed !== undefined) problems.push({ line: unclosed, message: 'code block is not closed' });
  const fenceAfter = new Map(fences.map((f) => [f.previousLine, f]));
  for (const { line, text } of prose) {
    if (!text.includes('<!-- snippet:')) continue;
    const marker = SNIPPET_MARKER.exec(text.trim());
    if (!marker) {
      problems.push({ line, message: `malformed snippet marker: ${text.trim()}` });
      continue;
    }
    const [, file, region] = marker;
    const fence = fenceAfter.get(line);
    if (!fence || !CHECKED_LANGUAGES.has(fence.language)) {
      problems.push({
        line,
        message: `snippet ${file}#${region} is not directly followed by a ts code block`,
      });
      continue;
    }
    const source = readFile(file);
    if (source === undefined) {
      problems.push({ line, message: `snippet ${file}#${region}: no file ${file}` });
      continue;
    }
    let regions: Map<string, string>;
    try {
      regions = readRegions(source, file);
    } catch (err) {
      problems.push({ line, message: `snippet ${file}#${region}: ${(err as Error).message}` });
      continue;
    }
    const expected = regions.get(region);
    if (expected === undefined) {
      problems.push({ line, message: `snippet ${file}#${region}: ${file} has no region "${region}"` });
    } else if (fence.content !== expected) {
      problems.push({
        line,
        message: `snippet ${file}#${region} differs from the region:\n${firstDifference(fence.content, expected)}`,
      });
    }
  }
  for (const fence of fences) {
    if (!CHECKED_LANGUAGES.has(fence.language)) continue;
    if (!SNIPPET_MARKER.test(fence.previous.trim())) {
      problems.push({ line: fence.line, message: 'ts code block without a snippet marker before it' });
    }
  }
  return problems.sort((a, b) => a.line - b.line);
}

/** The first line where a doc's block and the region differ, both shown. */
function firstDifference(shown: string, expected: string): string {
  const a = shown.split('\n');
  const b = expected.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  const index = at === -1 ? a.length : at;
  return `  line ${index + 1} of the block: ${JSON.stringify(a[index])}\n  in the region:           ${JSON.stringify(b[index])}`;
}

/** A link of a doc: its target as written and its line. */
export interface DocLink {
  readonly line: number;
  readonly target: string;
}

const INLINE_LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_LINK = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/;

/** The relative links of a doc outside code (inline code and code blocks), anchors and queries kept. */
export function relativeLinks(markdown: string): DocLink[] {
  const links: DocLink[] = [];
  for (const { line, text } of scan(markdown).prose) {
    const withoutCode = text.replace(/`[^`]*`/g, '');
    const targets = [...withoutCode.matchAll(INLINE_LINK)].map((m) => m[1]);
    const reference = REFERENCE_LINK.exec(withoutCode);
    if (reference) targets.push(reference[1]);
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('//')) continue;
      links.push({ line, target });
    }
  }
  return links;
}

/**
 * Checks that every relative link of a doc points at an existing file or folder.
 *
 * @param docDir - the folder of the doc, which its links are relative to.
 * @param exists - whether a path (absolute) exists.
 */
export function checkLinks(
  markdown: string,
  docDir: string,
  exists: (file: string) => boolean,
): DocProblem[] {
  return relativeLinks(markdown)
    .map((link) => ({ link, file: decodeURIComponent(link.target.replace(/[#?].*$/, '')) }))
    .filter(({ file }) => file !== '')
    .filter(({ file }) => !exists(path.resolve(docDir, file)))
    .map(({ link }) => ({ line: link.line, message: `link to ${link.target}: no such file` }));
}
