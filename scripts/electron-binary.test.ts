// npm start's first step, run as npm runs it (a child process in the project's folder) on a staged project
// whose Electron has no binary. The real installer is made to fail without the network: its download
// mirror is a closed port on 127.0.0.1 and its cache an empty folder.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SCRIPT = join(ROOT, 'scripts', 'electron-binary.ts');
const staged: string[] = [];

afterEach(() => {
  for (const dir of staged.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project folder whose node_modules/electron has the package's files but no binary (no dist/, no path.txt). */
function stageProject(installJs?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-start-'));
  staged.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"name":"staged","private":true}');
  const electron = join(dir, 'node_modules', 'electron');
  mkdirSync(electron, { recursive: true });
  for (const f of ['package.json', 'install.js', 'checksums.json', 'index.js', 'cli.js']) copyFileSync(join(ROOT, 'node_modules', 'electron', f), join(electron, f));
  if (installJs !== undefined) writeFileSync(join(electron, 'install.js'), installJs);
  // The installer's own dependencies, resolved from the real tree.
  for (const scope of ['@electron', '@electron-internal']) symlinkSync(join(ROOT, 'node_modules', scope), join(dir, 'node_modules', scope));
  return dir;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

function start(cwd: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [SCRIPT], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
}

describe('npm start without the Electron binary', () => {
  it('says the download failed and that npm run demo runs the app, not Electron’s advice to delete node_modules/electron', async () => {
    const dir = stageProject();
    const run = start(dir, { ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/`, electron_config_cache: join(dir, 'empty-cache') });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/The Electron \d+\.\d+\.\d+ binary is not here and could not be downloaded/);
    expect(run.stderr).toContain('`npm run demo` runs the same app in your browser');
    expect(run.stdout + run.stderr).not.toMatch(/delete `?node_modules\/electron/);
  });

  it('goes on quietly when the installer finds the binary in place', () => {
    const run = start(stageProject('process.exit(0);'));
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('says so when Electron is not installed at all', () => {
    const dir = stageProject();
    rmSync(join(dir, 'node_modules', 'electron'), { recursive: true });
    const run = start(dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Electron is not installed here (run `npm install`). `npm run demo` runs the same app');
  });
});
