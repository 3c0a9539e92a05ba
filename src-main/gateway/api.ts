// The gateway's routes: who is asking (their key), what they asked for, and whether the user allowed it.
// Everything a tool receives is built here from the account's public facts; the one exception is
// /v1/token, which hands out an access token (never a refresh token or app password) when allowed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { accountView } from '../domains/accounts.ts';
import type { AccountRow } from '../store/accounts.ts';
import type { ToolRow } from '../store/tools.ts';
import { accountRef } from './account-ref.ts';
import { PairingError } from './pairing.ts';
import { publishRoute } from './posts.ts';
import { proxyRequest } from './proxy.ts';
import { freshTokens, grantedAccount, recordUse, type GatewayContext, type ToolRoute } from './tool-access.ts';
import type { GatewayAccount, PairResult, TokenResult, ToolResult } from './protocol.ts';
import { GatewayFailure, presentedKey, readJson, sendError, sendJson } from './replies.ts';

export type { GatewayContext, ToolRoute } from './tool-access.ts';

const pairBody = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'Give the tool a name')
    .max(60, 'Keep the name under 60 characters')
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'The name cannot contain control characters'),
  description: z
    .string()
    .trim()
    .max(200)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'The description cannot contain control characters')
    .optional(),
});

export function gatewayAccount(ctx: GatewayContext, row: AccountRow): GatewayAccount {
  const view = accountView(ctx, row);
  return {
    id: row.id,
    ref: accountRef(row),
    platform: row.platform,
    handle: row.handle,
    displayName: row.display_name,
    status: view.status,
    problem: view.lastError?.message ?? view.statusReason ?? null,
    tokenExpiresAt: view.tokenExpiresAt,
  };
}

/** The accounts a tool was granted that still exist. */
export function grantedAccounts(ctx: GatewayContext, tool: ToolRow): AccountRow[] {
  const inWorkspace = ctx.accounts.list(tool.workspace_id);
  return tool.all_accounts ? inWorkspace : inWorkspace.filter((a) => tool.account_ids.includes(a.id));
}

async function listAccounts(ctx: GatewayContext, tool: ToolRow, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, grantedAccounts(ctx, tool).map((row) => gatewayAccount(ctx, row)));
}

function toolResult(ctx: GatewayContext, tool: ToolRow): ToolResult {
  return {
    toolId: tool.id,
    name: tool.name,
    capabilities: tool.capabilities,
    accounts: tool.all_accounts ? 'all' : grantedAccounts(ctx, tool).map((row) => gatewayAccount(ctx, row)),
  };
}

/** Lets a tool that kept its key learn what it may do now (the MCP server offers platform_request only with 'request'). */
async function whoAmI(ctx: GatewayContext, tool: ToolRow, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  sendJson(res, 200, toolResult(ctx, tool));
}

async function token(ctx: GatewayContext, tool: ToolRow, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const row = grantedAccount(ctx, tool, url.searchParams.get('account'), 'token');
  const fresh = await freshTokens(ctx, row);
  recordUse(ctx, tool, fresh.row, 'tool_token', 'read the access token');
  const result: TokenResult = {
    account: gatewayAccount(ctx, fresh.row),
    accessToken: fresh.accessToken,
    expiresAt: fresh.row.token_expires_at === null ? null : new Date(fresh.row.token_expires_at).toISOString(),
  };
  sendJson(res, 200, result);
}

/** Pairing needs no key: it is how a tool gets one. It waits (long-poll) until the user answers in the window. */
async function pair(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = pairBody.safeParse(await readJson(req));
  if (!parsed.success) throw new GatewayFailure('bad_request', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  let asked: ReturnType<GatewayContext['pairing']['ask']>;
  try {
    asked = ctx.pairing.ask({ name: parsed.data.name, description: parsed.data.description ?? null });
  } catch (e) {
    if (e instanceof PairingError) throw new GatewayFailure(e.code, e.message);
    throw e;
  }
  ctx.notices.recordApp({ kind: 'tool_pairing', title: `"${parsed.data.name}" asks to use your accounts`, body: 'Open Plugboard to allow or deny it.', sent_at: ctx.clock.now() });
  ctx.emit({ type: 'notices.changed' });
  ctx.logger.info('tool asks to pair', { request: asked.id });
  // A tool that gives up (Ctrl-C) takes its request out of the window.
  const gone = () => asked.withdraw();
  res.once('close', gone);
  const answer = await asked.answer;
  res.off('close', gone);
  if (res.destroyed) return;
  if (!answer.approved) {
    if (answer.reason === 'denied') throw new GatewayFailure('pairing_denied', `You denied "${parsed.data.name}" in Plugboard.`);
    if (answer.reason === 'expired') throw new GatewayFailure('pairing_expired', 'Nobody answered in Plugboard in time; ask again.');
    throw new GatewayFailure('pairing_expired', 'Plugboard stopped waiting for an answer (it is closing or was locked); ask again.');
  }
  const result: PairResult = { key: answer.key, ...toolResult(ctx, ctx.tools.get(answer.toolId)!) };
  sendJson(res, 200, result);
}

/** Routes for paired tools, by "METHOD /path". */
const toolRoutes = new Map<string, ToolRoute>([
  ['GET /v1/tool', whoAmI],
  ['GET /v1/accounts', listAccounts],
  ['GET /v1/token', token],
  ['POST /v1/request', proxyRequest],
  ['POST /v1/posts', publishRoute],
]);

export function gatewayHandler(ctx: GatewayContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(ctx, req, res).catch((e: unknown) => {
      if (e instanceof GatewayFailure) return sendError(res, e.code, e.message);
      ctx.logger.error('gateway request failed', { error: (e as Error).stack ?? String(e) });
      sendError(res, 'internal', 'Plugboard could not answer that; its log has the details.');
    });
  };
}

async function handle(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://plugboard');
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  if (route === 'POST /v1/pair') return pair(ctx, req, res);
  const handler = toolRoutes.get(route);
  if (!handler) throw new GatewayFailure('not_found', `Plugboard has no ${route}.`);
  const key = presentedKey(req);
  if (!key) throw new GatewayFailure('no_key', 'Send the key Plugboard gave this tool as "Authorization: Bearer <key>"; run `plugboard pair` to get one.');
  const tool = ctx.tools.byKey(key);
  if (!tool) throw new GatewayFailure('bad_key', 'Plugboard does not know that key: it was revoked, or never issued. Run `plugboard pair` again.');
  await handler(ctx, tool, req, res, url);
}
