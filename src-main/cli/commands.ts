// The commands that ask Plugboard one thing and print its answer: pair, accounts, token.
import type { GatewayAccount, PairResult, TokenResult } from '../gateway/protocol.ts';
import { parse, usage } from './args.ts';
import { callJson } from './client.ts';
import { saveKey } from './config.ts';
import { connection, printJson, socketOf, type Cli } from './context.ts';

const CAPABILITY_WORDS: Record<string, string> = {
  request: 'call platform APIs through Plugboard',
  token: 'read access tokens',
};

/** Asks the user (in Plugboard's window) to let this command in; waits for the answer, then keeps the key. */
export async function pair(cli: Cli, args: string[]): Promise<number> {
  const { values, positionals } = parse('pair', args, { name: { type: 'string' }, description: { type: 'string' }, 'no-save': { type: 'boolean' } });
  const name = values.name as string | undefined;
  if (!name) throw usage('pair', 'Say who asks with --name');
  if (positionals.length) throw usage('pair', `Unexpected "${positionals[0]}"`);
  const socket = socketOf(cli);
  cli.stderr.write(`Waiting for you to allow "${name}" in Plugboard's window (Ctrl-C gives up)…\n`);
  const body = JSON.stringify({ name, ...(values.description ? { description: values.description } : {}) });
  const result = await callJson<PairResult>(socket, 'POST', '/v1/pair', { body, headers: { 'content-type': 'application/json' } });
  if (!values['no-save']) saveKey(cli.configFile, socket, { key: result.key, tool: result.name, toolId: result.toolId, pairedAt: new Date().toISOString() });
  if (values.json) {
    printJson(cli, result);
    return 0;
  }
  const may = result.capabilities.map((c) => CAPABILITY_WORDS[c] ?? c).join(', ') || 'nothing yet';
  const accounts = result.accounts === 'all' ? 'all (also ones connected later)' : result.accounts.map((a) => a.ref).join(', ') || 'none';
  cli.stdout.write(`Plugboard allowed "${result.name}".\n  may:      ${may}\n  accounts: ${accounts}\n`);
  cli.stdout.write(values['no-save'] ? `The key was not saved (--no-save): use --json to see it.\n` : `Its key is saved in ${cli.configFile}.\n`);
  return 0;
}

export async function accounts(cli: Cli, args: string[]): Promise<number> {
  const { values, positionals } = parse('accounts', args);
  if (positionals.length) throw usage('accounts', `Unexpected "${positionals[0]}"`);
  const { socket, key } = connection(cli);
  const list = await callJson<GatewayAccount[]>(socket, 'GET', '/v1/accounts', { key });
  if (values.json) printJson(cli, list);
  else if (list.length === 0) cli.stdout.write('No accounts: this tool was given none, or none are connected.\n');
  else cli.stdout.write(table(list));
  return 0;
}

function expiry(iso: string | null): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : 'does not expire';
}

function table(list: GatewayAccount[]): string {
  const withNotes = list.some((a) => a.problem);
  const rows = [
    ['ACCOUNT', 'PLATFORM', 'STATUS', 'EXPIRES', ...(withNotes ? ['NOTE'] : [])],
    ...list.map((a) => [a.ref, a.platform, a.status, expiry(a.tokenExpiresAt), ...(withNotes ? [a.problem ?? ''] : [])]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** Only the token on stdout (like `gh auth token`), so `$(plugboard token x:@alice)` is the token. */
export async function token(cli: Cli, args: string[]): Promise<number> {
  const { values, positionals } = parse('token', args);
  if (positionals.length !== 1) throw usage('token', 'Name one account, like x:@alice');
  const { socket, key } = connection(cli);
  const result = await callJson<TokenResult>(socket, 'GET', `/v1/token?${new URLSearchParams({ account: positionals[0]! })}`, { key });
  if (values.json) printJson(cli, result);
  else cli.stdout.write(`${result.accessToken}\n`);
  return 0;
}
