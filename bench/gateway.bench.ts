// node bench/gateway.bench.ts: the latency the gateway's proxy adds over calling the fake X directly, for
// GET /2/users/me over loopback — 1,000 requests one after another, then 100 at once. A real core (SQLite file,
// vault, the use recorded on every call) serves a real Unix socket; both clients keep their connections alive.
// Target: under 2 ms added at p50.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { CoreHarness } from '../e2e/kit/core-harness.ts';
import { freePort } from '../src-main/fakes/free-port.ts';
import { startFakeX } from '../src-main/fakes/x.ts';
import { socketPath } from '../src-main/gateway/socket-path.ts';
import { listenGateway } from '../src-main/gateway/socket-server.ts';

const SEQUENTIAL = 1_000;
const CONCURRENT = 100;
const WARM_UP = 50;
const ALICE = '1500000000000000002';
const APP = { clientId: 'bench-client', clientSecret: 'bench-client-secret' };
const silent = { info() {}, warn() {}, error() {} };

const fake = await startFakeX();
const port = await freePort();
fake.registerApp({ ...APP, redirectUris: [`http://127.0.0.1:${port}/callback/x`] });
const { core, dataDir } = await CoreHarness.openParts(fake, 'gateway-bench');
const h = new CoreHarness(fake, core, dataDir);
const gateway = await listenGateway({ path: socketPath(dataDir, {}), handle: core.gateway, logger: silent });

await h.ok('platforms.setRedirect', { platform: 'x', kind: 'loopback', port });
await h.ok('credentials.save', { platform: 'x', ...APP });
fake.autoApprove(ALICE);
const start = await h.ok('connect.start', { platform: 'x' });
await fetch((await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
const accountId = (await h.ok('connect.status', { flowId: start.flowId })).accountId!;
const accessToken = (await h.stored(accountId)).accessToken!;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
}

function call(opts: import('node:http').RequestOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(opts, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Pairing: the tool asks over the socket, the "window" approves through the typed API.
const pairing = new Promise<string>((resolve, reject) => {
  const req = request({ socketPath: gateway.path, method: 'POST', path: '/v1/pair', headers: { 'content-type': 'application/json' } }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => (body += c));
    res.on('end', () => resolve((JSON.parse(body) as { key: string }).key));
  });
  req.on('error', reject);
  req.end(JSON.stringify({ name: 'bench' }));
});
let asked: { id: string } | undefined;
while (!asked) {
  asked = (await h.ok('tools.pending', {}))[0];
  if (!asked) await new Promise((r) => setTimeout(r, 5));
}
await h.ok('tools.approve', { requestId: asked.id, accounts: 'all', capabilities: ['request'] });
const key = await pairing;

const direct = new Agent({ keepAlive: true, maxSockets: CONCURRENT });
const viaSocket = new Agent({ keepAlive: true, maxSockets: CONCURRENT });
const fakeUrl = new URL(fake.origin);
const directCall = () =>
  call({ agent: direct, host: fakeUrl.hostname, port: Number(fakeUrl.port), path: '/2/users/me', headers: { authorization: `Bearer ${accessToken}` } });
const proxyPath = `/v1/request?${new URLSearchParams({ account: accountId, method: 'GET', url: '/2/users/me' })}`;
const proxyCall = () => call({ agent: viaSocket, socketPath: gateway.path, method: 'POST', path: proxyPath, headers: { authorization: `Bearer ${key}` } });

async function timed(fn: () => Promise<Reply>): Promise<number> {
  const t = performance.now();
  const reply = await fn();
  if (reply.status !== 200) throw new Error(`expected 200, got ${reply.status}`);
  return performance.now() - t;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function sequential(fn: () => Promise<Reply>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) out.push(await timed(fn));
  return out.sort((a, b) => a - b);
}

async function atOnce(fn: () => Promise<Reply>): Promise<{ each: number[]; wall: number }> {
  const t = performance.now();
  const each = await Promise.all(Array.from({ length: CONCURRENT }, () => timed(fn)));
  return { each: each.sort((a, b) => a - b), wall: performance.now() - t };
}

for (let i = 0; i < WARM_UP; i++) {
  await timed(directCall);
  await timed(proxyCall);
}
fake.clearRequests();
const seqDirect = await sequential(directCall);
const seqProxy = await sequential(proxyCall);
const burstDirect = await atOnce(directCall);
const burstProxy = await atOnce(proxyCall);

const ms = (n: number) => `${n.toFixed(2)} ms`;
const table: string[][] = [
  ['run', 'direct p50', 'proxy p50', 'added p50', 'direct p99', 'proxy p99', 'added p99', 'wall (direct / proxy)'],
  [
    `${SEQUENTIAL} one after another`,
    ms(quantile(seqDirect, 0.5)),
    ms(quantile(seqProxy, 0.5)),
    ms(quantile(seqProxy, 0.5) - quantile(seqDirect, 0.5)),
    ms(quantile(seqDirect, 0.99)),
    ms(quantile(seqProxy, 0.99)),
    ms(quantile(seqProxy, 0.99) - quantile(seqDirect, 0.99)),
    `${ms(seqDirect.reduce((a, b) => a + b, 0))} / ${ms(seqProxy.reduce((a, b) => a + b, 0))}`,
  ],
  [
    `${CONCURRENT} at once`,
    ms(quantile(burstDirect.each, 0.5)),
    ms(quantile(burstProxy.each, 0.5)),
    ms(quantile(burstProxy.each, 0.5) - quantile(burstDirect.each, 0.5)),
    ms(quantile(burstDirect.each, 0.99)),
    ms(quantile(burstProxy.each, 0.99)),
    ms(quantile(burstProxy.each, 0.99) - quantile(burstDirect.each, 0.99)),
    `${ms(burstDirect.wall)} / ${ms(burstProxy.wall)}`,
  ],
];
console.log(`GET /2/users/me against the fake X on loopback; the proxy's calls are recorded as uses (${(await h.ok('accounts.activity', { accountId })).length} activity entries now)`);
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
const added = quantile(seqProxy, 0.5) - quantile(seqDirect, 0.5);
console.log(added < 2 ? `target met: ${ms(added)} added at p50 (< 2 ms)` : `target missed: ${ms(added)} added at p50 (target < 2 ms)`);

direct.destroy();
viaSocket.destroy();
await gateway.close();
await h.close();
