/** The project files that `falco-plugin init` writes around the plugin. */

/** `package.json` of the plugin project. */
export function packageJson(project: string, sdk: string): string {
  const manifest = {
    name: project,
    version: '0.1.0',
    private: true,
    scripts: {
      build: 'falco-plugin build src/plugin.ts -o out',
      test: 'jest',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { 'falco-plugin-sdk': sdk },
    devDependencies: {
      '@types/jest': '^30.0.0',
      // The plugin runs on the embedded Node 18: its Node API level.
      '@types/node': '^18.19.0',
      jest: '^30.2.0',
      'ts-jest': '^29.4.5',
      typescript: '~5.9.3',
    },
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}

/** `tsconfig.json`: strict, the ECMAScript level of the embedded runtime. */
export function tsconfig(): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'commonjs',
      moduleResolution: 'node10',
      types: ['node', 'jest'],
      strict: true,
      noImplicitOverride: true,
      esModuleInterop: true,
      skipLibCheck: true,
    },
    include: ['src', 'test'],
  };
  return JSON.stringify(config, null, 2) + '\n';
}

/** `jest.config.js`: TypeScript tests through ts-jest. */
export function jestConfig(): string {
  return `/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
};
`;
}

/** `.gitignore`. */
export function gitignore(): string {
  return 'node_modules/\nout/\n';
}
