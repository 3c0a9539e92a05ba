// Who this MCP server is to Plugboard: the key kept for the assistant's name, or a pairing request the user answers
// in the window. Tool calls never wait for that answer (it can take minutes, longer than an assistant waits for a
// tool): until it comes they are told what to ask the user, and the next call after it works.
import { callJson } from '../cli/client.ts';
import { assistantKey, saveAssistantKey } from '../cli/config.ts';
import type { Cli } from '../cli/context.ts';
import { CliFailure } from '../cli/failure.ts';
import type { PairResult, ToolResult } from '../gateway/protocol.ts';

/** A tool call that cannot go to Plugboard yet; the message says what the model should do. */
export class NotReady extends Error {}

type State =
  | { kind: 'idle' }
  | { kind: 'checking'; done: Promise<void> }
  | { kind: 'pairing'; done: Promise<void> }
  | { kind: 'paired'; key: string; tool: ToolResult }
  | { kind: 'denied' }
  | { kind: 'failed'; message: string };

/** How long a call waits to learn whether a fresh pairing request was even taken (Plugboard not running, a duplicate). */
const PAIRING_TAKEN_MS = 300;

export interface SessionOptions {
  cli: Cli;
  socket: string;
  /** Hangs up every request to Plugboard when the assistant goes away: a waiting pairing request is taken back. */
  signal: AbortSignal;
  /** What the user allowed, once known (the server offers platform_request only with 'request'). */
  onTool(tool: ToolResult): void;
  log(message: string): void;
}

export class Session {
  #state: State = { kind: 'idle' };
  #name = 'AI assistant (MCP)';
  #description: string | null = null;
  readonly #o: SessionOptions;
  /** Settles once the assistant said who it is: a call that races `initialized` must not pair under no name. */
  readonly #started: Promise<void>;
  #markStarted!: () => void;

  constructor(o: SessionOptions) {
    this.#o = o;
    this.#started = new Promise((resolve) => (this.#markStarted = resolve));
  }

  get name(): string {
    return this.#name;
  }

  /** Called once the assistant said who it is: checks the kept key, or asks the user to pair. */
  start(name: string, description: string | null): void {
    this.#name = name;
    this.#description = description;
    this.#begin();
    this.#markStarted();
  }

  /** The key and grants to call Plugboard with; NotReady (with what to tell the user) until there are some. */
  async ready(): Promise<{ key: string; tool: ToolResult }> {
    await this.#started;
    if (this.#state.kind === 'idle' || this.#state.kind === 'failed') {
      this.#begin();
      const begun = this.#state as State;
      if (begun.kind === 'pairing') await Promise.race([begun.done, new Promise((r) => setTimeout(r, PAIRING_TAKEN_MS))]);
    }
    if (this.#state.kind === 'checking') await this.#state.done;
    const state = this.#state as State;
    switch (state.kind) {
      case 'paired':
        return { key: state.key, tool: state.tool };
      case 'denied':
        throw new NotReady('The user denied this assistant access in Plugboard. Do not retry; if they change their mind, they can restart the assistant to be asked again.');
      case 'failed':
        throw new NotReady(state.message);
      default:
        throw new NotReady(`Plugboard is asking the user to pair this assistant ("${this.#name}"): ask them to open Plugboard, approve the pairing request and choose its accounts, then call this tool again.`);
    }
  }

  /** Plugboard no longer knows the key (the user removed the assistant): forget it, and ask to pair again. */
  revoked(): NotReady {
    if (!this.#o.cli.env.PLUGBOARD_KEY) saveAssistantKey(this.#o.cli.configFile, this.#o.socket, this.#name, null);
    this.#state = { kind: 'idle' };
    this.#begin();
    return new NotReady(`The user removed this assistant in Plugboard, so Plugboard now asks them to pair it again ("${this.#name}"): ask them to approve it there, then call this tool again.`);
  }

  #begin(): void {
    const key = this.#o.cli.env.PLUGBOARD_KEY || assistantKey(this.#o.cli.configFile, this.#o.socket, this.#name);
    if (key) this.#state = { kind: 'checking', done: this.#check(key) };
    else this.#state = { kind: 'pairing', done: this.#pair() };
  }

  async #check(key: string): Promise<void> {
    try {
      const tool = await callJson<ToolResult>(this.#o.socket, 'GET', '/v1/tool', { key, signal: this.#o.signal });
      this.#paired(key, tool);
    } catch (e) {
      if (e instanceof CliFailure && e.body?.error.code === 'bad_key' && !this.#o.cli.env.PLUGBOARD_KEY) {
        this.#o.log(`the key kept for "${this.#name}" was revoked; asking to pair again`);
        saveAssistantKey(this.#o.cli.configFile, this.#o.socket, this.#name, null);
        this.#state = { kind: 'pairing', done: this.#pair() };
        return;
      }
      this.#failed(e);
    }
  }

  async #pair(): Promise<void> {
    this.#o.log(`asking Plugboard to pair "${this.#name}"; the user answers in its window`);
    const body = JSON.stringify({ name: this.#name, ...(this.#description ? { description: this.#description } : {}) });
    try {
      const result = await callJson<PairResult>(this.#o.socket, 'POST', '/v1/pair', { body, headers: { 'content-type': 'application/json' }, signal: this.#o.signal });
      saveAssistantKey(this.#o.cli.configFile, this.#o.socket, this.#name, { key: result.key, tool: result.name, toolId: result.toolId, pairedAt: new Date().toISOString() });
      this.#paired(result.key, result);
    } catch (e) {
      if (e instanceof CliFailure && e.body?.error.code === 'pairing_denied') this.#state = { kind: 'denied' };
      else this.#failed(e);
    }
  }

  #paired(key: string, tool: ToolResult): void {
    this.#state = { kind: 'paired', key, tool };
    this.#o.log(`paired as "${tool.name}"; it may ${tool.capabilities.join(', ') || 'do nothing yet'}`);
    this.#o.onTool(tool);
  }

  #failed(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.#o.log(message);
    this.#state = { kind: 'failed', message: `${message} Call this tool again once that is fixed.` };
  }
}
