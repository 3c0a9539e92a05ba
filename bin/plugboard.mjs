#!/usr/bin/env node
// The `plugboard` command from a source checkout (npm link, npx, or ./bin/plugboard.mjs): Node ≥ 22.18 runs the
// TypeScript as it is. The packaged app ships the compiled build/src-main/cli/main.js instead (see README).
import { run } from '../src-main/cli/main.ts';

process.exitCode = await run(process.argv.slice(2));
