// src-main/gateway/: the local API the user's own tools use — HTTP on a Unix socket (a named pipe on Windows),
// each tool with a key the user approved; the `plugboard` command is its client.
//
// Which account a tool means: `x:@alice`, `x:alice` or the account's id, within the tool's workspace.
import type { AccountRow } from '../store/accounts.ts';

export type RefResult = { ok: true; row: AccountRow } | { ok: false; code: 'unknown_account' | 'ambiguous_account' | 'bad_request'; message: string };

export function resolveAccountRef(ref: string, rows: readonly AccountRow[]): RefResult {
  const trimmed = ref.trim();
  if (!trimmed) return { ok: false, code: 'bad_request', message: 'Name an account: platform:@handle (like x:@alice) or its id.' };
  const byId = rows.find((r) => r.id === trimmed);
  if (byId) return { ok: true, row: byId };
  const colon = trimmed.indexOf(':');
  if (colon <= 0) return { ok: false, code: 'unknown_account', message: `No account "${trimmed}": name it as platform:@handle (like x:@alice) or by its id.` };
  const platform = trimmed.slice(0, colon).toLowerCase();
  const handle = trimmed.slice(colon + 1).replace(/^@/, '').toLowerCase();
  const matches = rows.filter((r) => r.platform === platform && r.handle.replace(/^@/, '').toLowerCase() === handle);
  if (matches.length === 1) return { ok: true, row: matches[0]! };
  if (matches.length > 1) {
    return { ok: false, code: 'ambiguous_account', message: `"${trimmed}" names ${matches.length} accounts; use one of their ids instead: ${matches.map((m) => m.id).join(', ')}.` };
  }
  return { ok: false, code: 'unknown_account', message: `No ${platform} account @${handle} is connected in Plugboard.` };
}

export function accountRef(row: Pick<AccountRow, 'platform' | 'handle'>): string {
  return `${row.platform}:@${row.handle.replace(/^@/, '')}`;
}
