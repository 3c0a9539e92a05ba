#!/usr/bin/env node
// The `plugboard` command from a source checkout (npm link, or ./bin/plugboard.mjs): Node ≥ 22.18 runs the
// TypeScript as it is. The packaged app would run the compiled build/src-main/cli/entry.js instead (README).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`plugboard: needs Node 22.18 or newer to run from source; this is Node ${process.versions.node}.\n`);
  process.exit(1);
}
await import('../src-main/cli/entry.ts');
