/**
 * The source map `falco-plugin build` puts into a bundle (lib/cli/source-map.ts): the sources as stack traces
 * show them, and the comment the embedded runtime reads.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { embedSourceMap, shownSourceName, SOURCE_MAP_COMMENT } from '../../lib/cli/source-map';

describe('shownSourceName', () => {
  it("names a file of the plugin's project relative to it", () => {
    expect(shownSourceName('/home/dev/plugin/src/plugin.ts', '/home/dev/plugin')).toBe('src/plugin.ts');
    expect(shownSourceName('/home/dev/plugin/node_modules/rxjs/dist/cjs/a.js', '/home/dev/plugin')).toBe(
      'node_modules/rxjs/dist/cjs/a.js',
    );
  });

  it('never names a folder of the build machine outside the project', () => {
    expect(shownSourceName('/opt/sdk/node_modules/falco-plugin-sdk/dist/lib/x.js', '/home/dev/plugin')).toBe(
      'node_modules/falco-plugin-sdk/dist/lib/x.js',
    );
    expect(shownSourceName('/opt/sdk/lib/x.ts', '/home/dev/plugin')).toBe('x.ts');
  });
});

describe('embedSourceMap', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'source-map-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('moves the map into the bundle as its last line, with project-relative sources and no contents', () => {
    const bundle = path.join(dir, 'out', 'bundle.js');
    const project = path.join(dir, 'project');
    const mapOf = (sources: string[]) => ({
      version: 3,
      sources,
      sourcesContent: sources.map(() => 'secret source'),
      mappings: 'AAAA,SAAS;AACT',
      names: ['x'],
    });
    mkdirSync(path.dirname(bundle));
    writeFileSync(bundle, 'module.exports = 1;\n');
    writeFileSync(`${bundle}.map`, JSON.stringify(mapOf(['../project/src/p.ts', '../project/a\u2028b.ts'])));
    embedSourceMap(bundle, project);
    const lines = readFileSync(bundle, 'utf8').split('\n');
    expect(lines[0]).toBe('module.exports = 1;');
    expect(lines[1].startsWith(SOURCE_MAP_COMMENT)).toBe(true);
    expect(lines[1]).not.toContain('\u2028');
    expect(lines[1]).not.toContain('secret source');
    const map = JSON.parse(lines[1].slice(SOURCE_MAP_COMMENT.length)) as {
      sources: string[];
      mappings: string;
    };
    expect(map.sources).toEqual(['src/p.ts', 'a\u2028b.ts']);
    expect(map.mappings).toBe('AAAA,SAAS;AACT');
    expect(lines.slice(2)).toEqual(['']);
    expect(() => readFileSync(`${bundle}.map`)).toThrow();
  });
});
