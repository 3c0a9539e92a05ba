// npm start, before the build: Electron 45 fetches its binary on first use (node_modules/electron/install.js,
// from GitHub). Where that fails, Electron's own error tells the user to delete node_modules/electron, which
// does not help; this runs the same installer and, when it fails, says what happened and where the app still runs.
// Spawns the installer and never imports electron: importing it is what triggers that error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// npm runs scripts in the project's folder; resolving from there (not from this file) lets the test stage one.
const project = createRequire(join(process.cwd(), 'package.json'));
let electronDir: string;
try {
  electronDir = dirname(project.resolve('electron/package.json'));
} catch {
  refuse('Electron is not installed here (run `npm install`)');
}

const { version } = project('electron/package.json') as { version: string };
// install.js decides what is missing and exits 0 at once when the binary is in place; path.txt only tells us whether to announce a download.
if (!existsSync(join(electronDir, 'path.txt'))) console.log(`Fetching the Electron ${version} binary (once)…`);
const run = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit' });
if (run.status !== 0) refuse(`The Electron ${version} binary is not here and could not be downloaded (the installer's error is above)`);

function refuse(what: string): never {
  console.error(`\n${what}. \`npm run demo\` runs the same app in your browser, against built-in fake platforms.`);
  process.exit(1);
}
