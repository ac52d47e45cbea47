#!/usr/bin/env node
/* The `falco-plugin` command (see main.ts). */
import { main } from './main';

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`falco-plugin: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
