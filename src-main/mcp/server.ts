// `plugboard mcp`'s server: it learns the assistant's name from its `initialize` (clientInfo), pairs under "<name> (MCP)",
// and runs until the assistant closes stdin. stdout carries the protocol only; messages go to stderr.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import { parse, usage } from '../cli/args.ts';
import { socketOf, type Cli } from '../cli/context.ts';
import { version } from '../cli/version.ts';
import { EXIT } from '../gateway/protocol.ts';
import { Session } from './session.ts';
import { registerTools } from './tools.ts';

const INSTRUCTIONS =
  'Plugboard keeps the user\'s social accounts connected. Call list_accounts first to see the accounts granted to you; publish_post shows each post to the user in Plugboard to confirm unless they allowed unattended publishing. If a tool says to ask the user something, do that rather than retrying.';

/** "Claude Desktop (MCP)": the name the user sees in the pairing request; Plugboard takes at most 60 characters. */
export function assistantName(client: Implementation | undefined): string {
  const raw = (client?.title || client?.name || 'AI assistant').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return `${raw.slice(0, 54) || 'AI assistant'} (MCP)`;
}

export async function serveMcp(cli: Cli, args: string[]): Promise<number> {
  const { values, positionals } = parse('mcp', args, { name: { type: 'string' } });
  if (positionals.length) throw usage('mcp', `Unexpected "${positionals[0]}"`);
  const socket = socketOf(cli);
  const log = (message: string) => void cli.stderr.write(`plugboard mcp: ${message}\n`);
  const hangUp = new AbortController();

  const server = new McpServer({ name: 'plugboard', version: version() }, { instructions: INSTRUCTIONS });
  let tools: ReturnType<typeof registerTools> | null = null;
  const session = new Session({
    cli,
    socket,
    signal: hangUp.signal,
    log,
    onTool: (tool) => (tool.capabilities.includes('request') ? tools?.platformRequest.enable() : tools?.platformRequest.disable()),
  });
  tools = registerTools(server, session, socket, hangUp.signal);
  // On the next turn: a client that sends `initialized` without waiting for its answer (both in one read) has
  // its `initialize`, which carries clientInfo, handled after the notification.
  server.server.oninitialized = () =>
    setImmediate(() => {
      const client = server.server.getClientVersion();
      const name = typeof values.name === 'string' && values.name.trim() ? values.name.trim() : assistantName(client);
      session.start(name, client ? `MCP server (plugboard mcp) started by ${client.name} ${client.version}` : 'MCP server (plugboard mcp)');
    });

  const transport = new StdioServerTransport(cli.stdin, cli.stdout);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
    // The transport does not notice stdin ending by itself: the assistant going away is that end.
    cli.stdin.once('end', () => void server.close());
    cli.stdin.once('close', () => void server.close());
  });
  await server.connect(transport);
  log(`serving on stdio for the Plugboard on ${socket}`);
  await closed;
  // A pairing request or a post still waiting for the user is taken back with the assistant gone.
  hangUp.abort();
  return EXIT.done;
}
