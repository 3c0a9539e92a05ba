// npm test: every suite in order — typecheck (node and web sides), unit and
// connector-kit tests (vitest), the renderer build, then Playwright e2e — and a
// last line "N passed, N failed, N skipped" counted from the runners' JSON reports.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const started = Date.now();
const out = mkdtempSync(join(tmpdir(), 'plugboard-tests-'));
const vitestJson = join(out, 'vitest.json');
const playwrightJson = join(out, 'playwright.json');
let passed = 0;
let failed = 0;
let skipped = 0;

function step(name: string, cmd: string, args: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) console.log(`=== ${name} exited with ${r.status ?? r.signal}`);
  return r.status === 0;
}

function check(name: string, ok: boolean) {
  if (ok) passed++;
  else failed++;
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'}`);
}

check('typecheck (main + preload)', step('typecheck node', 'npx', ['tsc', '-p', 'tsconfig.node.json', '--noEmit']));
check('typecheck (renderer)', step('typecheck web', 'npx', ['tsc', '-p', 'tsconfig.web.json', '--noEmit']));

const vitestOk = step('unit + connector kit', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  if (!vitestOk && r.numFailedTests === 0) failed++;
} else failed++;

const built = step('renderer build', 'npx', ['vite', 'build']);
check('renderer build', built);

if (built) {
  const e2eOk = step('e2e (Playwright, Debian Chromium)', 'npx', ['playwright', 'test'], { PLUGBOARD_PW_JSON: playwrightJson });
  if (existsSync(playwrightJson)) {
    const r = JSON.parse(readFileSync(playwrightJson, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
    passed += r.stats.expected + r.stats.flaky;
    failed += r.stats.unexpected;
    skipped += r.stats.skipped;
    if (!e2eOk && r.stats.unexpected === 0) failed++;
  } else failed++;
}

console.log(`\n=== all suites took ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
