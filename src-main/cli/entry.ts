// The command as a program: bin/plugboard.mjs imports this from the source tree; a packaged app runs the
// compiled build/src-main/cli/entry.js.
import { run } from './main.ts';

process.exitCode = await run(process.argv.slice(2));
