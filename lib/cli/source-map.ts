import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The start of the comment that carries a bundle's source map; the embedded runtime looks for it. Not a
 * `sourceMappingURL` comment: V8 keeps that one's URL with the script, in the code cache too.
 */
export const SOURCE_MAP_COMMENT = '// falco-plugin-sdk source map: ';

/** The fields of a source map (version 3) that the build reads and rewrites. */
interface SourceMapV3 {
  version: number;
  sources: string[];
  sourceRoot?: string;
  mappings: string;
  names: string[];
}

/**
 * A source file's name as stack traces show it: relative to the plugin's project (`src/plugin.ts`,
 * `node_modules/rxjs/dist/cjs/internal/Subscriber.js`), with `/` separators. Never an absolute path of the
 * build machine: a file outside the project keeps only the part from its last `node_modules/` on, or its
 * base name.
 */
export function shownSourceName(file: string, projectDir: string): string {
  const relative = path.relative(projectDir, file).split(path.sep).join('/');
  if (!relative.startsWith('../') && !path.isAbsolute(relative)) return relative;
  const normalized = file.split(path.sep).join('/');
  const modules = normalized.lastIndexOf('/node_modules/');
  return modules >= 0 ? normalized.slice(modules + 1) : path.basename(file);
}

/**
 * Moves the source map esbuild wrote beside a bundle (`<bundle>.map`) into the bundle, as its last line
 * (JSON after {@link SOURCE_MAP_COMMENT}, on one line), with the sources named relative to the plugin's project
 * and without their contents (stack traces need the positions only). The runtime maps the bundle's stack frames
 * through it, so the messages of a minified bundle name the plugin's own files and lines.
 */
export function embedSourceMap(bundleFile: string, projectDir: string): void {
  const mapFile = `${bundleFile}.map`;
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapV3;
  rmSync(mapFile, { force: true });
  const outDir = path.dirname(bundleFile);
  const embedded: SourceMapV3 = {
    version: map.version,
    sources: map.sources.map((source) =>
      shownSourceName(path.resolve(outDir, map.sourceRoot ?? '', source), projectDir),
    ),
    mappings: map.mappings,
    names: [],
  };
  // JSON.stringify escapes \n and \r; the other line terminators of JavaScript would end the comment.
  const encoded = JSON.stringify(embedded)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const bundle = readFileSync(bundleFile, 'utf8');
  writeFileSync(
    bundleFile,
    `${bundle.endsWith('\n') ? bundle : bundle + '\n'}${SOURCE_MAP_COMMENT}${encoded}\n`,
  );
}
