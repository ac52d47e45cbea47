/**
 * The package as users consume it: `npm pack` of this repository (its prepack builds the prebuilt native
 * parts), installed into a project outside the repository that `falco-plugin init` scaffolded, built with
 * the installed CLI, and run from a root file system with nothing but glibc, the host and the artifact.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { canUseEmptyRoot, EmptyRoot } from '../helpers/empty-root';
import { jsonLines, repoRoot, withBuildLock } from '../native/build-native';

jest.setTimeout(20 * 60_000);

const work = mkdtempSync(path.join(tmpdir(), 'falco-sdk-package-'));
const project = path.join(work, 'counter');
const artifact = path.join(project, 'out');
let tarball = '';

function sh(command: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
  });
  if (r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (status ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Every file below a folder. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

beforeAll(() => {
  // prepack builds the native layer: not at the same time as another test's native build.
  withBuildLock(() => {
    sh('npm', ['pack', '--pack-destination', work], repoRoot);
  });
  const { name, version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  tarball = path.join(work, `${name}-${version}.tgz`);
  // The README's quick start, from an empty folder.
  sh('npm', ['install', '--no-save', tarball], work);
  sh('npx', ['falco-plugin', 'init', 'counter', '--sdk', `file:${tarball}`], work);
  sh('npm', ['install'], project);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships built JavaScript, declarations and the prebuilt native parts, but no sources', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const files = listing.split('\n').filter(Boolean);
    expect(files).toContain('package/dist/lib/index.d.ts');
    expect(files).toContain('package/dist/prebuilts/index.d.ts');
    expect(files).toContain('package/dist/lib/testing/index.d.ts');
    expect(files).toContain('package/platform/linux-x64-gnu/manifest.json');
    expect(files).toContain('package/platform/linux-x64-gnu/falco-ts-runtime/libnode.so.108');
    expect(files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('package/native/') || f.startsWith('package/lib/'))).toEqual([]);
  });

  it('installs with an executable CLI that answers --help', () => {
    const help = sh('npx', ['falco-plugin', 'build', '--help'], project);
    expect(help).toContain('--system-runtime');
  });
});

describe('a scaffolded plugin project', () => {
  beforeAll(() => {
    sh('npm', ['run', 'build'], project);
  });

  it('passes its own tests (jest with the harness) against the installed package', () => {
    sh('npm', ['test'], project);
  });

  it('builds an artifact folder: the library and the runtime it carries', () => {
    expect(existsSync(path.join(artifact, 'libcounter.so'))).toBe(true);
    expect(existsSync(path.join(artifact, 'falco-ts-runtime', 'libnode.so.108'))).toBe(true);
    expect(existsSync(path.join(artifact, 'falco-ts-runtime', 'nodejs', 'acorn', 'dist', 'acorn.js'))).toBe(
      true,
    );
  });

  it('carries no path of the build machine: the runtime is found through $ORIGIN', () => {
    const dynamic = execFileSync('readelf', ['-d', path.join(artifact, 'libcounter.so')], {
      encoding: 'utf8',
    });
    const paths = dynamic
      .split('\n')
      .filter((l) => /\((RPATH|RUNPATH)\)/.test(l))
      .map((l) => /\[(.*)\]/.exec(l)?.[1]);
    expect(paths).toEqual(['$ORIGIN/falco-ts-runtime']);
    // The SDK checkout, the project, the private libnode prefix, the build's temporary folder.
    const machinePaths = [repoRoot, work, path.join(repoRoot, '.deps'), 'falco-plugin-build-'];
    for (const file of filesBelow(artifact)) {
      if (!statSync(file).isFile()) continue;
      const text = readFileSync(file).toString('latin1');
      for (const p of machinePaths) {
        if (text.includes(p)) throw new Error(`${path.relative(artifact, file)} contains the path ${p}`);
      }
    }
  });

  const runsInEmptyRoot = canUseEmptyRoot() ? it : it.skip;
  runsInEmptyRoot('runs from a root that has nothing but glibc, the host and the artifact', () => {
    const manifest = JSON.parse(
      readFileSync(
        path.join(project, 'node_modules/falco-plugin-sdk/platform/linux-x64-gnu/manifest.json'),
        'utf8',
      ),
    ) as { host: string };
    const host = path.join(project, 'node_modules/falco-plugin-sdk/platform/linux-x64-gnu', manifest.host);
    const root = new EmptyRoot(host, artifact);
    try {
      const r = root.host([
        'run',
        '/plugins/libcounter.so',
        '--config',
        '{"step":1}',
        '--open',
        '{"start":0,"maxEvents":10}',
        '--fields',
        'counter.value',
        '--json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(jsonLines(r.stdout).map((e) => e['counter.value'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    } finally {
      root.remove();
    }
  });

  it('reads the static information with the installed CLI (falco-plugin info)', () => {
    const info = JSON.parse(sh('npx', ['falco-plugin', 'info', 'out/libcounter.so'], project)) as {
      name: string;
      fields: { name: string }[];
    };
    expect(info.name).toBe('counter');
    expect(info.fields.map((f) => f.name)).toEqual(['counter.value', 'counter.divisible']);
  });

  it('writes a .tar.gz of the artifact with --tar', () => {
    sh('npx', ['falco-plugin', 'build', 'src/plugin.ts', '-o', 'out-tar', '--tar'], project);
    const tarballs = readdirSync(path.join(project, 'out-tar')).filter((f) => f.endsWith('.tar.gz'));
    expect(tarballs).toHaveLength(1);
    const entries = execFileSync('tar', ['-tzf', path.join(project, 'out-tar', tarballs[0])], {
      encoding: 'utf8',
    }).split('\n');
    expect(entries).toContain('libcounter.so');
    expect(entries).toContain('falco-ts-runtime/libnode.so.108');
  });

  it("names the plugin's own source in the error of a JavaScript error (minified bundle, source map)", () => {
    const lines = [
      "import { BaseInstance, BasePlugin, EOF, EventSourcing, registerPlugin } from 'falco-plugin-sdk';",
      "import type { EventBatch, PluginInfo } from 'falco-plugin-sdk';",
      'class Broken extends BaseInstance {',
      '  nextBatch(batch: EventBatch) {',
      "    const seen = (JSON.parse('{}') as { last?: { id: number } }).last;",
      '    batch.write(String(seen!.id));',
      '    return EOF;',
      '  }',
      '}',
      'class Faulty extends EventSourcing(BasePlugin) {',
      '  info(): PluginInfo {',
      "    return { id: 999, name: 'faulty', description: 'd', contact: 'c', version: '1.0.0', eventSource: 'f' };",
      '  }',
      '  open() {',
      '    return new Broken();',
      '  }',
      '}',
      'export default registerPlugin(Faulty);',
    ];
    writeFileSync(path.join(project, 'src/faulty.ts'), lines.join('\n') + '\n');
    sh('npx', ['falco-plugin', 'build', 'src/faulty.ts', '-o', 'out-faulty'], project);
    const r = spawnSync('npx', ['falco-plugin', 'run', 'out-faulty/libfaulty.so', '--max-events', '1'], {
      cwd: project,
      encoding: 'utf8',
    });
    const line = lines.findIndex((l) => l.includes('seen!.id')) + 1;
    const column = lines[line - 1].indexOf('seen!.id') + 'seen!.'.length + 1;
    expect(r.stderr).toContain(
      "plugin faulty next_batch failed: TypeError: Cannot read properties of undefined (reading 'id') " +
        `(at Broken.nextBatch (src/faulty.ts:${line}:${column}))`,
    );
    expect(r.stderr).not.toContain(work);
  });

  it('builds only the library with --system-runtime', () => {
    sh('npx', ['falco-plugin', 'build', 'src/plugin.ts', '-o', 'out-system', '--system-runtime'], project);
    expect(readdirSync(path.join(project, 'out-system'))).toEqual(['libcounter.so']);
  });
});

describe('type declarations of the installed package', () => {
  const plugin = `import { BaseInstance, BasePlugin, EOF, EventSourcing, registerPlugin } from 'falco-plugin-sdk';
import type { EventBatch, PluginInfo } from 'falco-plugin-sdk';
import { newPullInstance } from 'falco-plugin-sdk/prebuilts';
import { PluginHarness } from 'falco-plugin-sdk/testing';

class Once extends BaseInstance {
  nextBatch(batch: EventBatch) {
    batch.write('x');
    return EOF;
  }
}
class Source extends EventSourcing(BasePlugin) {
  info(): PluginInfo {
    return { id: 999, name: 'src', description: 'd', contact: 'c', version: '1.0.0', eventSource: 'src' };
  }
  open() {
    return Math.random() > 2 ? newPullInstance(() => [{ data: 'y' }]) : new Once();
  }
}
export const harness: typeof PluginHarness = PluginHarness;
export default registerPlugin(Source);
`;
  const modes: [string, Record<string, string>][] = [
    ['node10', { module: 'commonjs', moduleResolution: 'node10' }],
    ['node16', { module: 'node16', moduleResolution: 'node16' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
  ];

  it.each(modes)('compile a correct plugin with moduleResolution %s', (mode, options) => {
    writeFileSync(path.join(project, `resolution-${mode}.ts`), plugin);
    const config = path.join(project, `tsconfig.${mode}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          lib: ['ES2022'],
          noEmit: true,
          types: ['node'],
          ...options,
        },
        files: [`resolution-${mode}.ts`],
      }),
    );
    sh('npx', ['tsc', '-p', config], project);
  });
});
