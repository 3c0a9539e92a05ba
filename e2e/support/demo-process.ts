// The demo (`npm run demo`) as its own process with its stdin kept open, so a
// spec can use its dev-only time travel: write `+4d` and the app's clock and
// the fake platforms' clocks move four days together.
import { spawnPrintingUrl, tokenOf, type UrlProcess } from './url-process.ts';

export interface DemoProcess extends UrlProcess {
  /** Moves the demo's clocks (`+30m`, `+2h`, `+4d`) and waits until the demo says it has. */
  travel(jump: string): Promise<void>;
  /** Calls the demo host's API as the page does; throws on an error envelope. */
  api(method: string, params: object): Promise<any>;
}

const TRAVELLED = /time travel: now \S+/g;

export async function startDemo(args: string[] = []): Promise<DemoProcess> {
  const demo = await spawnPrintingUrl('src-main/host/demo.ts', args, {}, 15_000, { stdin: 'pipe' });
  return {
    ...demo,
    async api(method, params) {
      const res = await fetch(`${new URL(demo.url).origin}/api/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenOf(demo.url)}`, 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
      const envelope = (await res.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
      if (!envelope.ok) throw new Error(`${method}: ${envelope.error?.message}`);
      return envelope.result;
    },
    async travel(jump) {
      if (!/^\+\d+[mhd]$/.test(jump)) throw new Error(`not a time-travel jump: ${jump}`);
      const before = demo.output().match(TRAVELLED)?.length ?? 0;
      demo.stdin!.write(`${jump}\n`);
      const deadline = Date.now() + 10_000;
      while ((demo.output().match(TRAVELLED)?.length ?? 0) === before) {
        if (Date.now() > deadline) throw new Error(`the demo did not confirm ${jump}:\n${demo.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
