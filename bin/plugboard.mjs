#!/usr/bin/env node
// The `plugboard` command from a source checkout (npm link, or ./bin/plugboard.mjs): Node ≥ 22.18 runs the
// TypeScript as it is. The packaged app would run the compiled build/src-main/cli/entry.js instead (README).
import '../src-main/cli/entry.ts';
