// `plugboard exec --account A [--account B] -- CMD args…`: CMD runs with a fresh access token per account in
// its environment (PLUGBOARD_X_TOKEN…) for that one run, as `op run` and `aws-vault exec` do. The tokens go
// into the child's environment only: not into this process's, not on any output; the key is not passed on.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { EXIT, tokenVariable, type TokenResult } from '../gateway/protocol.ts';
import { parse, usage } from './args.ts';
import { callJson } from './client.ts';
import { connection, type Cli } from './context.ts';
import { CliFailure } from './failure.ts';

export async function exec(cli: Cli, args: string[]): Promise<number> {
  const split = args.indexOf('--');
  if (split < 0 || split === args.length - 1) throw usage('exec', 'Put the command to run after --, as in `plugboard exec --account x:@alice -- python post.py`');
  const { values, positionals } = parse('exec', args.slice(0, split), { account: { type: 'string', short: 'a', multiple: true } });
  if (positionals.length) throw usage('exec', `Unexpected "${positionals[0]}" before --`);
  const refs = (values.account as string[] | undefined) ?? [];
  if (refs.length === 0) throw usage('exec', 'Name at least one --account, like x:@alice');
  // Caught before any token is read where the references say their platform; account ids are checked below.
  sameVariable(refs.filter((r) => r.includes(':')).map(byName));

  const { socket, key } = connection(cli);
  const tokens: TokenResult[] = [];
  for (const ref of refs) tokens.push(await callJson<TokenResult>(socket, 'GET', `/v1/token?${new URLSearchParams({ account: ref })}`, { key }));
  sameVariable(tokens.map((t) => ({ ref: t.account.ref, platform: t.account.platform })));

  const env: NodeJS.ProcessEnv = { ...cli.env };
  delete env.PLUGBOARD_KEY;
  for (const t of tokens) env[tokenVariable(t.account.platform)] = t.accessToken;
  return run(args[split + 1]!, args.slice(split + 2), env);
}

/** `x:alice` and `X:@Alice` name one account (as the gateway reads them). */
function byName(ref: string): { ref: string; platform: string } {
  const platform = ref.slice(0, ref.indexOf(':')).toLowerCase();
  return { ref: `${platform}:@${ref.slice(ref.indexOf(':') + 1).replace(/^@/, '').toLowerCase()}`, platform };
}

/** Two accounts of one platform would need the same variable: refused rather than numbered, so a script never guesses which is which. */
function sameVariable(accounts: { ref: string; platform: string }[]): void {
  const seen = new Map<string, string>();
  for (const { ref, platform } of accounts) {
    const name = tokenVariable(platform);
    const other = seen.get(name);
    if (other !== undefined && other !== ref) {
      throw usage('exec', `${other} and ${ref} would both be ${name}: run one command per account, or read each with \`plugboard token\``);
    }
    seen.set(name, ref);
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'inherit' });
    // Ctrl-C reaches the child from the terminal itself; a SIGTERM or SIGHUP sent to us only is passed on.
    const ignore = () => {};
    const pass = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', ignore);
    process.on('SIGTERM', pass);
    process.on('SIGHUP', pass);
    const done = () => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', pass);
      process.off('SIGHUP', pass);
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      done();
      if (e.code === 'ENOENT') reject(new CliFailure(127, `No command "${command}" was found on PATH.`));
      else if (e.code === 'EACCES') reject(new CliFailure(126, `"${command}" cannot be run: permission denied.`));
      else reject(new CliFailure(EXIT.failed, `"${command}" could not be started: ${e.code ?? e.message}.`));
    });
    child.once('exit', (code, signal) => {
      done();
      // As a shell reports it: 128 + the signal's number.
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
