// What the page benches share: a renderer build of their own, the browser host's core
// (src-main/host/start.ts) serving it over a freshly seeded folder, Debian's Chromium, and a quantile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright';
import { openCore } from '../src-main/core/core.ts';
import { createFileLogger } from '../src-main/core/file-logger.ts';
import { startHostServer } from '../src-main/host/server.ts';
import { openConfPrefs } from '../src-main/prefs/prefs.ts';
import { PassphraseKeyWrapper } from '../src-main/vault/passphrase-wrapper.ts';
import { seed } from './seed.ts';

/**
 * Builds the renderer into a folder of this run's own: dist/renderer is shared with whoever else
 * builds at the same time, and the figures must belong to the sources measured.
 */
export async function buildRenderer(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'plugboard-bench-renderer-'));
  const { build } = await import('vite');
  await build({ configFile: resolve(import.meta.dirname, '../vite.config.mts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** Debian's Chromium, never a downloaded one. */
export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

/** The q-quantile of `xs` (the median at 0.5); NaN when there is none. */
export function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

export interface SeededHost {
  url: string;
  /** Stops the server and the core, and deletes the seeded folder. */
  close(): Promise<void>;
}

/** Seeds `size` accounts and serves `rendererDir` with the browser host's core over them. */
export async function openSeededHost(size: number, rendererDir: string): Promise<SeededHost> {
  const seeded = await seed({ count: size });
  const logger = createFileLogger(join(seeded.dir, 'logs'));
  const core = await openCore({
    dataDir: seeded.dir,
    keyWrapper: new PassphraseKeyWrapper(seeded.passphrase),
    prefs: openConfPrefs(seeded.dir),
    openExternal: null,
    redirectKinds: ['loopback', 'manual'],
    logger,
  });
  const server = await startHostServer({ core, staticDir: rendererDir, port: 0, logger });
  return {
    url: server.url,
    async close() {
      await server.close();
      await core.close();
      rmSync(seeded.dir, { recursive: true, force: true });
    },
  };
}
