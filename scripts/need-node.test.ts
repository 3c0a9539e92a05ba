// The one sentence npm scripts print when the Node that runs them cannot strip types.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const { refusal } = createRequire(import.meta.url)('./need-node.cjs') as { refusal: (version: string, root: string) => string | null };
const pinned = (createRequire(import.meta.url)('../package.json') as { devDependencies: Record<string, string> }).devDependencies.node;
const staged: string[] = [];

afterEach(() => {
  for (const dir of staged.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('need-node', () => {
  it('lets Node 22.18 and newer through', () => {
    for (const v of ['v22.18.0', 'v23.0.0', 'v24.21.0', process.version]) expect(refusal(v, ROOT)).toBeNull();
  });

  it('names the Node needed and the Node found, and how to get the pinned one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugboard-need-node-'));
    staged.push(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ devDependencies: { node: pinned } }));
    expect(refusal('v20.20.2', dir)).toBe(`Plugboard's scripts need Node 22.18 or newer and found Node 20.20.2: \`npm install\` puts the pinned Node ${pinned} first on their PATH.`);
    expect(refusal('v22.17.1', dir)).toContain('found Node 22.17.1');
    // Installed with its install script skipped (--ignore-scripts, or a policy that blocked it).
    mkdirSync(join(dir, 'node_modules', 'node'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'node', 'package.json'), '{}');
    expect(refusal('v20.20.2', dir)).toBe(`Plugboard's scripts need Node 22.18 or newer and found Node 20.20.2: \`npm rebuild node\` runs the install script of the pinned Node ${pinned}, which was skipped.`);
    mkdirSync(join(dir, 'node_modules', 'node', 'bin'));
    expect(refusal('v20.20.2', dir)).toBe(`Plugboard's scripts need Node 22.18 or newer and found Node 20.20.2: the pinned Node ${pinned} is installed, so start them with \`npm run\`, which puts it first on their PATH.`);
  });
});
