// src-main/cli/: the `plugboard` command — the user's shell and scripts as a client of the gateway's socket
// protocol (src-main/gateway/protocol.ts): pair, accounts, request, token, exec, post; and mcp, src-main/mcp/'s server.
//
// A command's arguments, read with node:util's parseArgs (no dependency): any mistake is a usage error (exit 2).
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { EXIT } from '../gateway/protocol.ts';
import { CliFailure } from './failure.ts';

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Every command takes --json and --help besides its own options. */
export function parse(command: string, args: string[], options: ParseArgsOptionsConfig = {}): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (e) {
    // parseArgs explains in two sentences; the first says what is wrong.
    throw usage(command, (e as Error).message.split(/\.\s/)[0]!.replace(/\.$/, ''));
  }
}

export function usage(command: string, message: string): CliFailure {
  return new CliFailure(EXIT.usage, `${message} (see \`plugboard ${command} --help\`).`);
}

export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
