// Makes the given files executable (tsc writes the CLI entry without the x bit).
import fs from 'node:fs';

for (const file of process.argv.slice(2)) fs.chmodSync(file, 0o755);
