// The assistant's tools, each one call of the gateway with the assistant's key. publish_post holds its request
// open while the user decides in Plugboard's window; an assistant that cancels the call takes the post back.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { PostView } from '../api/views.ts';
import { callJson, readText, refusal, send } from '../cli/client.ts';
import { ANSWERED_BY_HEADER, type GatewayAccount, type PostRequest } from '../gateway/protocol.ts';
import { accountLine, failure, postResults, text } from './replies.ts';
import type { Session } from './session.ts';

/** While a post waits for the user, a progress note this often keeps an assistant that allows it from timing out. */
const PROGRESS_EVERY_MS = 15_000;
/** platform_request's reply as the model sees it is cut here: a model cannot use megabytes of JSON. */
const MAX_REPLY_CHARS = 50_000;

const accountRef = z.string().min(1).describe('The account as platform:@handle (like x:@alice), as list_accounts shows it, or its id.');

export function registerTools(server: McpServer, session: Session, socket: string, hangUp: AbortSignal): { platformRequest: RegisteredTool } {
  const accounts = async () => callJson<GatewayAccount[]>(socket, 'GET', '/v1/accounts', { key: (await session.ready()).key, signal: hangUp });

  server.registerTool(
    'list_accounts',
    {
      title: 'List accounts',
      description: "The social accounts the user gave this assistant in Plugboard: each one's reference (platform:@handle) to pass to the other tools, its status and token expiry, and whether it can take a text post now (and why not). Call this first.",
      annotations: { readOnlyHint: true },
    },
    async () => {
      try {
        const { tool } = await session.ready();
        const list = await accounts();
        if (list.length === 0) return text('No accounts are granted to this assistant yet: ask the user to open Plugboard, connect accounts and give them to this assistant under Connected tools.');
        const may = tool.capabilities.includes('publish_unattended')
          ? 'This assistant may publish without the user confirming each post.'
          : tool.capabilities.includes('publish')
            ? 'This assistant may publish; each post waits for the user to confirm it in Plugboard.'
            : 'This assistant may not publish posts (the user did not allow it).';
        return text([`Accounts this assistant may use (${list.length}). ${may}`, ...list.map(accountLine)].join('\n'));
      } catch (e) {
        return failure(session, e);
      }
    },
  );

  server.registerTool(
    'account_status',
    {
      title: 'Account status',
      description: "One account's status: connected or not, when its token expires, what the user must fix in Plugboard if anything, and whether it can take a text post now.",
      inputSchema: { account: accountRef },
      annotations: { readOnlyHint: true },
    },
    async ({ account }) => {
      try {
        const wanted = account.trim().toLowerCase().replace(/:(?!@)/, ':@');
        const found = (await accounts()).find((a) => a.id === account.trim() || a.ref.toLowerCase() === wanted);
        if (!found) return text(`No account "${account}" is granted to this assistant. Call list_accounts to see the ones it may use.`, true);
        return text(accountLine(found).slice(2) + (found.problem ? `\nWhat the user must do: ${found.problem}` : ''));
      } catch (e) {
        return failure(session, e);
      }
    },
  );

  server.registerTool(
    'publish_post',
    {
      title: 'Publish a post',
      description:
        'Publishes one text post (with an optional link) to one or more of the accounts from list_accounts, each checked against its platform\'s rules first. Unless the user allowed unattended publishing, Plugboard shows the post to the user and this call waits (up to 10 minutes) until they confirm or decline it. Answers with a result per account: posted (with its address), refused, not tried, or unknown. Never publish the same post again to an account that posted or is unknown.',
      inputSchema: {
        text: z.string().min(1).describe('The post exactly as it should appear; the link, if given, is added as each platform takes it.'),
        accounts: z.array(accountRef).min(1).describe('Where to publish it.'),
        link: z.url().optional().describe('An http(s) link to attach.'),
        draft: z.boolean().optional().describe('WordPress only: keep it as a draft.'),
      },
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async ({ text: body, accounts: to, link, draft }, extra) => {
      const token = extra._meta?.progressToken;
      let progress = 0;
      const ticker = token === undefined ? null : setInterval(() => {
        extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: ++progress, message: 'Waiting for the user to confirm the post in Plugboard…' } }).catch(() => {});
      }, PROGRESS_EVERY_MS);
      try {
        const { key } = await session.ready();
        const request: PostRequest = { text: body, to, ...(link ? { link } : {}), ...(draft ? { draft } : {}) };
        const signal = AbortSignal.any([extra.signal, hangUp]);
        const view = await callJson<PostView>(socket, 'POST', '/v1/posts', { key, body: JSON.stringify(request), headers: { 'content-type': 'application/json' }, signal });
        return text(postResults(view));
      } catch (e) {
        return failure(session, e);
      } finally {
        if (ticker) clearInterval(ticker);
      }
    },
  );

  const platformRequest = server.registerTool(
    'platform_request',
    {
      title: 'Call a platform API',
      description:
        "Calls the platform's own API as one of the accounts; Plugboard adds a fresh token, which this assistant never sees. path is relative to the platform's API base (like /2/users/me for X) or a full URL on its API origins. Answers with the HTTP status and the reply's body.",
      inputSchema: {
        account: accountRef,
        method: z.string().regex(/^[A-Za-z]+$/).describe('GET, POST, PUT, PATCH or DELETE.'),
        path: z.string().min(1).describe("A path under the platform's API base, or a full URL on its API origins."),
        body: z.string().optional().describe('The request body, usually JSON text; sent as application/json.'),
      },
      annotations: { openWorldHint: true },
    },
    async ({ account, method, path, body }, extra) => {
      try {
        const { key } = await session.ready();
        const query = new URLSearchParams({ account, method: method.toUpperCase(), url: path });
        const res = await send(socket, 'POST', `/v1/request?${query}`, { key, body, headers: body === undefined ? {} : { 'content-type': 'application/json' }, signal: AbortSignal.any([extra.signal, hangUp]) });
        if (res.headers[ANSWERED_BY_HEADER] !== 'platform' && res.statusCode! >= 400) throw await refusal(res);
        const reply = await readText(res);
        const shown = reply.length > MAX_REPLY_CHARS ? `${reply.slice(0, MAX_REPLY_CHARS)}\n[cut: the reply was ${reply.length} characters]` : reply;
        return text(`HTTP ${res.statusCode}\n${shown}`, res.statusCode! >= 400);
      } catch (e) {
        return failure(session, e);
      }
    },
  );
  // Offered once the user's grant says so (Session's onTool).
  platformRequest.disable();
  return { platformRequest };
}
