// src-main/mcp/: `plugboard mcp` — an MCP server on stdio that gives an AI assistant the accounts the user granted
// it in Plugboard, through the gateway like any paired tool.
//
// What a model reads back: accounts, a post's results and Plugboard's refusals as plain sentences, each ending in
// what to do next (call again, call list_accounts, ask the user, or stop).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PlatformId, PostView } from '../api/views.ts';
import { PUBLISH_RULES } from '../api/post-rules.ts';
import { CliFailure } from '../cli/failure.ts';
import { EXIT, type GatewayAccount } from '../gateway/protocol.ts';
import { NotReady, type Session } from './session.ts';

export const text = (body: string, isError = false): CallToolResult => ({ content: [{ type: 'text', text: body }], ...(isError ? { isError: true } : {}) });

/** One account as a line: what it is, its state, and whether it can take a text post now (and why not). */
export function accountLine(a: GatewayAccount): string {
  const expires = a.tokenExpiresAt ? `token expires ${a.tokenExpiresAt.slice(0, 16).replace('T', ' ')} UTC` : 'token does not expire';
  const rule = PUBLISH_RULES[a.platform as PlatformId];
  let posts: string;
  if (!rule) posts = 'text posts: no — Plugboard does not publish there.';
  else if (!rule.supported) posts = `text posts: no — ${rule.reason}`;
  else if (a.problem || a.status === 'expired') posts = `text posts: not now — ${a.problem ?? 'its sign-in expired'} (the user must fix it in Plugboard).`;
  else posts = `text posts: yes, up to ${rule.limit.toLocaleString('en')} characters as ${a.platform} counts them${rule.drafts ? '; drafts: yes' : ''}.`;
  return `- ${a.ref} (${a.displayName}): ${a.status}, ${expires}; ${posts}`;
}

export function postResults(view: PostView): string {
  const posted = view.results.filter((r) => r.outcome === 'posted').length;
  const lines = view.results.map((r) => {
    const ref = `${r.platform}:@${r.handle.replace(/^@/, '')}`;
    switch (r.outcome) {
      case 'posted':
        return `- ${ref}: posted${r.url ? ` — ${r.url}` : ''}.`;
      case 'refused':
        return `- ${ref}: refused by the platform — ${r.message ?? 'no reason given'} Change the post if the reason allows, and publish again to this account only.`;
      case 'not_tried':
        return `- ${ref}: not tried — ${r.message ?? 'Plugboard did not send it.'} Fix that and publish again to this account only, or tell the user.`;
      case 'unknown':
        return `- ${ref}: unknown — it was sent but the answer was lost. ${r.message ?? ''} Do not publish it again to this account before the user checks.`.replace('  ', ' ');
    }
  });
  return [`Posted to ${posted} of ${view.results.length} account${view.results.length === 1 ? '' : 's'}${view.draft ? ' (as a draft where the platform keeps drafts)' : ''}.`, ...lines].join('\n');
}

/** Any failure of a tool call as the error result a model can act on. */
export function failure(session: Session, e: unknown): CallToolResult {
  if (e instanceof NotReady) return text(e.message, true);
  if (!(e instanceof CliFailure)) return text(`Plugboard could not do that: ${(e as Error).message}`, true);
  const code = e.body?.error.code;
  switch (code) {
    case 'bad_key':
      return text(session.revoked().message, true);
    case 'account_not_granted':
    case 'unknown_account':
    case 'ambiguous_account':
      return text(`${e.message} Call list_accounts to see the accounts this assistant may use.`, true);
    case 'capability_not_granted':
      return text(`${e.message} To allow it, the user removes this assistant under Connected tools in Plugboard; the next call then asks them to pair it again.`, true);
    case 'locked':
      return text('Plugboard is locked: ask the user to unlock it in its window, then call this tool again.', true);
    default:
      if (!code && e.exit === EXIT.notRunning) return text(`${e.message} Ask the user to start Plugboard, then call this tool again.`, true);
      return text(e.message, true);
  }
}
