// `plugboard post --to ACCOUNT... TEXT`: one post to several accounts through Plugboard, which shows it in its
// window for the user to confirm (unless they let this command publish unattended) and answers with a result per
// account. Exit 0 only when every account posted: a script can tell "some did not" (6) from a refusal of the whole.
import type { PostResultView, PostView } from '../api/views.ts';
import { accountRef } from '../gateway/account-ref.ts';
import { EXIT, type PostRequest, type ToolResult } from '../gateway/protocol.ts';
import { parse, usage } from './args.ts';
import { callJson, readText } from './client.ts';
import { connection, printJson, type Cli } from './context.ts';

export async function post(cli: Cli, args: string[]): Promise<number> {
  const { values, positionals } = parse('post', args, {
    to: { type: 'string', short: 't', multiple: true },
    link: { type: 'string' },
    draft: { type: 'boolean' },
  });
  const to = (values.to as string[] | undefined) ?? [];
  if (to.length === 0) throw usage('post', 'Name at least one account with --to, like --to x:@alice');
  if (positionals.length !== 1) throw usage('post', 'Give the text as one argument (quote it), or - to read it from stdin');
  const text = positionals[0] === '-' ? await readText(cli.stdin) : positionals[0]!;
  const { socket, key } = connection(cli);

  const tool = await callJson<ToolResult>(socket, 'GET', '/v1/tool', { key });
  // Without the grant at all, Plugboard's refusal says so; nothing waits.
  if (tool.capabilities.includes('publish') && !tool.capabilities.includes('publish_unattended')) {
    cli.stderr.write(`Waiting for you to confirm the post in Plugboard's window (Ctrl-C takes it back)…\n`);
  }
  const body: PostRequest = { text, to, ...(values.link ? { link: values.link as string } : {}), ...(values.draft ? { draft: true } : {}) };
  const view = await callJson<PostView>(socket, 'POST', '/v1/posts', { key, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (values.json) printJson(cli, view);
  else cli.stdout.write(view.results.map(line).join(''));
  return view.results.every((r) => r.outcome === 'posted') ? EXIT.done : EXIT.notAllPosted;
}

function line(r: PostResultView): string {
  const ref = accountRef(r);
  switch (r.outcome) {
    case 'posted':
      return r.url ? `posted     ${ref}  ${r.url}\n` : `posted     ${ref}\n`;
    case 'refused':
      return `refused    ${ref}: ${r.message ?? 'the platform gave no reason.'}\n`;
    case 'not_tried':
      return `not tried  ${ref}: ${r.message ?? 'Plugboard did not send it.'}\n`;
    case 'unknown':
      return `unknown    ${ref}: ${r.message ?? 'the answer was lost; check the account before posting again.'}\n`;
  }
}
