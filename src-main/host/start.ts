// The browser host: the same core as the desktop app, under plain Node, serving
// the built renderer and the API on 127.0.0.1 behind a per-run token.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCore } from '../core/core.ts';
import { openGate } from '../core/gate.ts';
import { createFileLogger } from '../core/file-logger.ts';
import { systemClock, type Clock } from '../core/clock.ts';
import { watchIdle, windowPresence } from '../core/idle-lock.ts';
import type { Core } from '../core/types.ts';
import type { OriginMap } from '../http/origins.ts';
import { listenGateway } from '../gateway/socket-server.ts';
import { socketPath } from '../gateway/socket-path.ts';
import { openConfPrefs } from '../prefs/prefs.ts';
import { startHostServer } from './server.ts';

const PACKAGE_VERSION = (JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }).version;

export const RENDERER_DIR = resolve(fileURLToPath(new URL('../../dist/renderer', import.meta.url)));

export interface HostOptions {
  dataDir: string;
  /** Unlocks at once (the demo, tests, PLUGBOARD_PASSPHRASE); without it the page asks for it (F12). */
  passphrase?: string;
  port?: number;
  origins?: OriginMap;
  flowTimeoutMs?: number;
  /** The demo's shiftable clock; real time otherwise. */
  clock?: Clock;
}

export interface RunningHost {
  url: string;
  core: Core;
  /** Where tools reach this Plugboard (`curl --unix-socket`, the `plugboard` command). */
  socketPath: string;
  /** What waking from sleep does in Electron: the overdue renewals, then the idle lock's check, at once. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('The renderer is not built yet: run `npm run build:renderer` (npm run host does it for you).');
  }
  const logger = createFileLogger(join(opts.dataDir, 'logs'));
  const clock = opts.clock ?? systemClock;
  const prefs = openConfPrefs(opts.dataDir);
  // No OS idle time under plain Node: the page's own keys and clicks say the user is there.
  const presence = windowPresence(clock);
  // No keychain under plain Node: a passphrase protects the data key, typed in the page unless given.
  const core = await openGate({
    dataDir: opts.dataDir,
    keychain: null,
    weakKeychain: false,
    passphrase: opts.passphrase,
    logger,
    open: (keyWrapper) =>
      openCore({
        dataDir: opts.dataDir,
        keyWrapper,
        about: { version: PACKAGE_VERSION, shell: 'Plugboard in your browser (the host)', runtime: `Node ${process.versions.node}`, tray: false },
        prefs,
        // The renderer is already a browser tab here: it opens the authorization page itself.
        openExternal: null,
        redirectKinds: ['loopback', 'manual'],
        origins: opts.origins,
        logger,
        flowTimeoutMs: opts.flowTimeoutMs,
        clock,
        reportActive: presence.active,
      }),
  });
  const idle = watchIdle({
    gate: core,
    clock,
    minutes: () => prefs.get('lockAfterMinutes'),
    idleMs: presence.idleMs,
    onError: (e) => logger.error('the idle lock failed', { error: (e as Error).message ?? String(e) }),
  });
  const server = await startHostServer({ core, staticDir: RENDERER_DIR, port: opts.port ?? 0, logger });
  const gateway = await listenGateway({ path: socketPath(opts.dataDir), handle: core.gateway, logger }).catch(async (e: unknown) => {
    await server.close();
    await core.close();
    throw e;
  });
  return {
    url: server.url,
    core,
    socketPath: gateway.path,
    async resume() {
      core.resume();
      await idle.checkNow();
    },
    async close() {
      idle.stop();
      await gateway.close();
      await server.close();
      await core.close();
    },
  };
}
