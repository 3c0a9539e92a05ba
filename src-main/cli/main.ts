// The command's entry: picks the command, runs it, and turns any failure into one sentence on stderr and its
// exit code. entry.ts runs it as a program; tests and other callers may pass their own streams.
import { EXIT } from '../gateway/protocol.ts';
import { usage, wantsHelp, wantsJson } from './args.ts';
import { accounts, pair, token } from './commands.ts';
import { configFile } from './config.ts';
import type { Cli } from './context.ts';
import { exec } from './exec.ts';
import { COMMAND_HELP, OVERVIEW } from './help.ts';
import { post } from './post.ts';
import { request } from './request.ts';
import { CliFailure } from './failure.ts';
import { version } from './version.ts';

const COMMANDS: Record<string, (cli: Cli, args: string[]) => Promise<number>> = {
  pair,
  accounts,
  request,
  token,
  exec,
  post,
  // Loaded only when asked for: the MCP SDK is most of what the command would otherwise load.
  mcp: async (cli, args) => (await import('../mcp/server.ts')).serveMcp(cli, args),
};

export async function run(argv: string[], cli: Cli = { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, configFile: configFile() }): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === undefined) {
      cli.stderr.write(OVERVIEW);
      return EXIT.usage;
    }
    if (name === '--version' || name === '-V') {
      cli.stdout.write(`plugboard ${version()}\n`);
      return EXIT.done;
    }
    if (name === 'help' || name === '--help' || name === '-h') {
      const topic = args[0];
      if (topic !== undefined && !COMMAND_HELP[topic]) throw usage('help', `There is no command "${topic}"`);
      cli.stdout.write(topic ? COMMAND_HELP[topic]!(cli.configFile) : OVERVIEW);
      return EXIT.done;
    }
    const command = COMMANDS[name];
    if (!command) throw new CliFailure(EXIT.usage, `There is no command "${name}": the commands are ${Object.keys(COMMANDS).join(', ')} (see \`plugboard help\`).`);
    if (wantsHelp(args)) {
      cli.stdout.write(COMMAND_HELP[name]!(cli.configFile));
      return EXIT.done;
    }
    return await command(cli, args);
  } catch (e) {
    const failure = e instanceof CliFailure ? e : new CliFailure(EXIT.failed, `Something went wrong: ${(e as Error).message}`);
    if (failure.body && wantsJson(args)) cli.stdout.write(`${JSON.stringify(failure.body)}\n`);
    cli.stderr.write(`plugboard: ${failure.message}\n`);
    return failure.exit;
  }
}
