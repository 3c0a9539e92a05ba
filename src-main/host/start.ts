// The browser host: the same core as the desktop app, under plain Node, serving
// the built renderer and the API on 127.0.0.1 behind a per-run token.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCore } from '../core/core.ts';
import { createFileLogger } from '../core/file-logger.ts';
import type { Clock } from '../core/clock.ts';
import type { Core } from '../core/types.ts';
import type { OriginMap } from '../http/origins.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { PassphraseKeyWrapper } from '../vault/passphrase-wrapper.ts';
import { startHostServer } from './server.ts';

export const RENDERER_DIR = resolve(fileURLToPath(new URL('../../dist/renderer', import.meta.url)));

export interface HostOptions {
  dataDir: string;
  passphrase: string;
  port?: number;
  origins?: OriginMap;
  flowTimeoutMs?: number;
  /** The demo's shiftable clock; real time otherwise. */
  clock?: Clock;
}

export interface RunningHost {
  url: string;
  core: Core;
  close(): Promise<void>;
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('The renderer is not built yet: run `npm run build:renderer` (npm run host does it for you).');
  }
  const logger = createFileLogger(join(opts.dataDir, 'logs'));
  const core = await openCore({
    dataDir: opts.dataDir,
    keyWrapper: new PassphraseKeyWrapper(opts.passphrase),
    prefs: openConfPrefs(opts.dataDir),
    // The renderer is already a browser tab here: it opens the authorization page itself.
    openExternal: null,
    redirectKinds: ['loopback', 'manual'],
    origins: opts.origins,
    logger,
    flowTimeoutMs: opts.flowTimeoutMs,
    clock: opts.clock,
  });
  const server = await startHostServer({ core, staticDir: RENDERER_DIR, port: opts.port ?? 0, logger });
  return {
    url: server.url,
    core,
    async close() {
      await server.close();
      await core.close();
    },
  };
}
