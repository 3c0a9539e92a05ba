// `plugboard mcp` as an assistant sees it: a client of the same MCP SDK spawns `node bin/plugboard.mjs mcp` against
// the real core's socket (the env the command's tests use), the server asks to pair under the client's name, the
// "window" (typed API) approves, and publish_post waits while the test declines, then confirms, the exact post;
// closing the client withdraws a waiting one. The kept key pairs nothing the second time; without the publish
// grant the refusal says what to do.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { harnessPool } from '../kit/core-harness.ts';
import { BIN, CliRunner } from './cli-runner.ts';
import { ALICE, BOB, GatewayHarness } from './gateway-harness.ts';

const harnesses = harnessPool<GatewayHarness>();
const runners: CliRunner[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await harnesses.closeAll();
  for (const r of runners.splice(0)) r.close();
});

async function assistant(cli: CliRunner): Promise<{ client: Client; stderr: () => string }> {
  const env = Object.fromEntries(Object.entries(cli.env).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const client = new Client({ name: 'Test Assistant', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

const said = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

/** Calls a tool until it stops saying Plugboard is still asking the user to pair. */
async function oncePaired(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  for (let i = 0; i < 100; i++) {
    const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (!/asking the user to pair/.test(said(r))) return r;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('never paired');
}

// Measured: 2.4 s and 4.1 s alone, 4.5 s and 8.5 s beside the other gateway files (the first spawns two servers).
describe('plugboard mcp', { timeout: 20_000 }, () => {
  it('pairs under the client name, lists the accounts, and publish_post waits for the user: declined, then confirmed', async () => {
    const h = harnesses.track(await GatewayHarness.open());
    const cli = new CliRunner(h.socketPath);
    runners.push(cli);
    const alice = await h.connect(ALICE);
    await h.connect(BOB);
    const { client, stderr } = await assistant(cli);

    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['account_status', 'list_accounts', 'publish_post']);
    const request = await h.waitForRequest('Test Assistant (MCP)');
    expect(request.description).toBe('MCP server (plugboard mcp) started by Test Assistant 1.0.0');
    const early = (await client.callTool({ name: 'list_accounts', arguments: {} })) as CallToolResult;
    expect([early.isError, said(early)]).toEqual([true, 'Plugboard is asking the user to pair this assistant ("Test Assistant (MCP)"): ask them to open Plugboard, approve the pairing request and choose its accounts, then call this tool again.']);
    await h.ok('tools.approve', { requestId: request.id, accounts: [alice], capabilities: ['publish'] });

    const listed = await oncePaired(client, 'list_accounts');
    expect(listed.isError).toBeFalsy();
    expect(said(listed)).toMatch(/^Accounts this assistant may use \(1\)\. This assistant may publish; each post waits for the user to confirm it in Plugboard\.\n- x:@alice_creates \(.+\): connected, token expires .+ UTC; text posts: yes, up to 280 characters as x counts them\.$/);
    const saved = JSON.parse(readFileSync(cli.configFile, 'utf8'));
    expect(saved.assistants[h.socketPath]['Test Assistant (MCP)']).toMatchObject({ key: expect.stringMatching(/^pbk_/), tool: 'Test Assistant (MCP)' });

    const text = 'Shipping today: publish once, everywhere.';
    const declined = client.callTool({ name: 'publish_post', arguments: { text, accounts: ['x:@alice_creates'] } });
    const first = await h.waitForPost('Test Assistant (MCP)');
    expect(first).toMatchObject({ text, link: null, draft: false, accounts: [{ id: alice, platform: 'x', handle: 'alice_creates' }] });
    await h.ok('posts.reject', { requestId: first.id });
    expect(said(await declined)).toBe('The user declined this post in Plugboard, so nothing was posted; do not send it again unless they ask.');

    const confirmed = client.callTool({ name: 'publish_post', arguments: { text, accounts: [alice] } });
    await h.ok('posts.confirm', { requestId: (await h.waitForPost('Test Assistant (MCP)')).id });
    const result = (await confirmed) as CallToolResult;
    expect(said(result)).toMatch(/^Posted to 1 of 1 account\.\n- x:@alice_creates: posted — https?:\/\/\S+\.$/);
    expect(stderr()).toContain('plugboard mcp: paired as "Test Assistant (MCP)"');

    // The assistant going away takes a waiting post out of the window.
    void client.callTool({ name: 'publish_post', arguments: { text: 'left behind', accounts: [alice] } }).catch(() => {});
    await h.waitForPost('Test Assistant (MCP)');
    await client.close();
    for (let i = 0; i < 200 && (await h.ok('posts.pending', {})).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await h.ok('posts.pending', {})).toEqual([]);

    // Started again, it presents the kept key: no new pairing request.
    const again = await assistant(cli);
    expect((await again.client.callTool({ name: 'account_status', arguments: { account: 'x:alice_creates' } })) as CallToolResult).toMatchObject({ content: [{ text: expect.stringMatching(/^x:@alice_creates \(.+\): connected/) }] });
    expect(await h.ok('tools.pending', {})).toEqual([]);
  });

  it('without the publish grant publish_post says how to get it; with request, platform_request appears and calls X', async () => {
    const h = harnesses.track(await GatewayHarness.open());
    const cli = new CliRunner(h.socketPath);
    runners.push(cli);
    const alice = await h.connect(ALICE);
    const { client } = await assistant(cli);
    let listChanged = false;
    client.setNotificationHandler((await import('@modelcontextprotocol/sdk/types.js')).ToolListChangedNotificationSchema, async () => void (listChanged = true));
    await h.ok('tools.approve', { requestId: (await h.waitForRequest('Test Assistant (MCP)')).id, accounts: [alice], capabilities: ['request'] });

    const refused = await oncePaired(client, 'publish_post', { text: 'hello', accounts: [alice] });
    expect(refused.isError).toBe(true);
    expect(said(refused)).toBe(
      '"Test Assistant (MCP)" may not publish posts through Plugboard; pair it again and allow publishing if it needs to. To allow it, the user removes this assistant under Connected tools in Plugboard; the next call then asks them to pair it again.',
    );
    expect(await h.ok('posts.pending', {})).toEqual([]);

    expect(listChanged).toBe(true);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('platform_request');
    const me = (await client.callTool({ name: 'platform_request', arguments: { account: 'x:@alice_creates', method: 'GET', path: '/2/users/me' } })) as CallToolResult;
    expect(me.isError).toBeFalsy();
    expect(said(me)).toMatch(/^HTTP 200\n/);
    expect(JSON.parse(said(me).slice('HTTP 200\n'.length))).toMatchObject({ data: { id: ALICE, username: 'alice_creates' } });
    expect(said(me)).not.toContain((await h.stored(alice)).accessToken!);
  });
});
