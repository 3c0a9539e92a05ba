// Starts the browser host (`node src-main/host/cli.ts`) as its own process, the
// way a user runs it, and reads the URL it prints.
import { spawnPrintingUrl } from './url-process.ts';

export interface HostProcess {
  url: string;
  origin: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Without `passphrase` the page asks for it (the F12 lock screen). */
export async function startHostProcess(env: { dataDir: string; passphrase?: string; origins: Record<string, string> }): Promise<HostProcess> {
  const host = await spawnPrintingUrl('src-main/host/cli.ts', ['--port', '0'], {
    PLUGBOARD_DATA_DIR: env.dataDir,
    ...(env.passphrase ? { PLUGBOARD_PASSPHRASE: env.passphrase } : {}),
    PLUGBOARD_ORIGINS: JSON.stringify(env.origins),
  });
  return {
    url: host.url,
    origin: host.origin,
    output: host.output,
    stop: async () => {
      await host.stop();
    },
  };
}
