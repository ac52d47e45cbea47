/** The Falco side of a scaffolded project: rules, falco.yaml snippet, README. */

/** `rules/<name>_rules.yaml`: a rule on the plugin's event source. */
export function rules(name: string): string {
  return `- required_engine_version: 0.31.0

- required_plugin_versions:
    - name: ${name}
      version: 0.1.0

- rule: ${name} value divisible by 10
  desc: Every tenth value of the ${name} counter
  condition: ${name}.divisible[10] = 1
  output: '${name} reached %${name}.value'
  priority: NOTICE
  source: ${name}
`;
}

/** `falco.yaml`: the snippet that loads the plugin and the rules. */
export function falcoYaml(name: string): string {
  return `# Add to falco.yaml (or a file in /etc/falco/config.d/). Copy the content of out/ to
# /usr/share/falco/plugins/ first: lib${name}.so and the falco-ts-runtime/ folder beside it.
plugins:
  - name: ${name}
    library_path: /usr/share/falco/plugins/lib${name}.so
    init_config:
      step: 1
    open_params: '{"start": 0, "maxEvents": 100}'

load_plugins: [${name}]

rules_files:
  - /etc/falco/rules.d/${name}_rules.yaml
`;
}

/** `README.md` of the project. */
export function readme(name: string): string {
  return `# ${name}

A Falco plugin written in TypeScript with falco-plugin-sdk: an event source that counts up, with the
fields \`${name}.value\` and \`${name}.divisible[N]\`.

\`\`\`sh
npm install
npm test          # jest: the plugin in the in-process harness, driven the way libsinsp does
npm run build     # type check, bundle, and the artifact in out/
npx falco-plugin run out/lib${name}.so --open '{"maxEvents":10}' --fields '${name}.value' --json
\`\`\`

\`out/\` is the artifact: \`lib${name}.so\` and \`falco-ts-runtime/\` (the embedded Node runtime it finds
beside itself). Copy both to \`/usr/share/falco/plugins/\`, the rules to \`/etc/falco/rules.d/\`, and add
\`falco.yaml\`'s snippet to Falco's configuration. \`npx falco-plugin build src/plugin.ts -o out --tar\`
also writes a \`.tar.gz\` of the artifact.
`;
}
