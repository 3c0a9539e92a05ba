// Connect flows in progress: one per platform at a time, each with a fresh
// state and PKCE verifier, a time-out, and the callback accepted once, from
// whichever door it arrives (loopback, plugboard://, pasted address).
import { randomUUID } from 'node:crypto';
import type { FlowChoice, FlowState, FlowView, PlatformId } from '../api/contract.ts';
import type { Identity, TokenSet } from '../connectors/types.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { checkCallbackShape } from './callback-shape.ts';

export interface Flow {
  id: string;
  platform: PlatformId;
  platformName: string;
  workspaceId: string;
  /** The platform whose login is used when it is not the account's own (Instagram through Facebook). */
  via: PlatformId | null;
  /** What the redirect brings back: an OAuth code, or WordPress's new application password. */
  expects: 'code' | 'app-password';
  /** The site address typed for a WordPress browser connect (its password must be checked against it). */
  site: string | null;
  state: string;
  verifier: string | null;
  redirectUri: string;
  authorizeUrl: string;
  startedAt: number;
  expiresAt: number;
  status: FlowState;
  error: string | null;
  accountId: string | null;
  accountIds: string[];
  renewed: boolean;
  /** While choosing (F4): what the user picks from, and the login's tokens, held in memory only. */
  choosing: { choices: FlowChoice[]; identities: Identity[]; tokens: TokenSet } | null;
  reconnectAccountId: string | null;
  /** Releases what the flow holds (its loopback listener). */
  release: () => void;
  cancelTimer: () => void;
}

/** What the browser (or the pasted address) is told. */
export interface CallbackOutcome {
  /** true: the flow is settled, a one-shot listener may close. */
  done: boolean;
  ok: boolean;
  /** The user cancelled on the consent page: nothing went wrong, so it is not told as an error. */
  cancelled?: boolean;
  title: string;
  message: string;
}

/**
 * The errors a platform sends back when the user themself said no on its consent page: RFC 6749's
 * access_denied (X, Google, Meta, TikTok, Pinterest, WordPress's reject URL) and LinkedIn's own two.
 */
const USER_DECLINED = new Set(['access_denied', 'user_cancelled_login', 'user_cancelled_authorize']);

export type CodeOutcome =
  | { kind: 'connected'; accountIds: string[]; renewed: boolean; handle: string }
  | { kind: 'choosing'; choices: FlowChoice[]; identities: Identity[]; tokens: TokenSet };

export type CodeHandler = (flow: Flow, params: URLSearchParams) => Promise<CodeOutcome>;

const ENDED_MEMORY = 200;

export class Flows {
  readonly #byId = new Map<string, Flow>();
  readonly #byState = new Map<string, Flow>();
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #onChange: (flow: FlowView) => void;
  readonly #onCode: CodeHandler;
  readonly #describeError: (flow: Flow, error: string, description: string | null) => string;

  constructor(opts: {
    clock: Clock;
    logger: Logger;
    onChange: (flow: FlowView) => void;
    onCode: CodeHandler;
    describeError: (flow: Flow, error: string, description: string | null) => string;
  }) {
    this.#clock = opts.clock;
    this.#logger = opts.logger;
    this.#onChange = opts.onChange;
    this.#onCode = opts.onCode;
    this.#describeError = opts.describeError;
  }

  add(
    input: Omit<Flow, 'id' | 'startedAt' | 'expiresAt' | 'status' | 'error' | 'accountId' | 'accountIds' | 'renewed' | 'choosing' | 'cancelTimer'>,
    timeoutMs: number,
  ): Flow {
    this.supersede(input.platform);
    const now = this.#clock.now();
    const flow: Flow = {
      ...input,
      id: randomUUID(),
      startedAt: now,
      expiresAt: now + timeoutMs,
      status: 'waiting',
      error: null,
      accountId: null,
      accountIds: [],
      renewed: false,
      choosing: null,
      cancelTimer: () => {},
    };
    flow.cancelTimer = this.#clock.setTimeout(() => {
      if (flow.status === 'waiting') this.#end(flow, 'timed_out', `No answer came back from ${flow.platformName} within ${duration(timeoutMs)}. Click Connect to try again.`);
    }, timeoutMs);
    this.#byId.set(flow.id, flow);
    this.#byState.set(flow.state, flow);
    this.#forgetOld();
    this.#onChange(view(flow));
    return flow;
  }

  /**
   * Ends the platform's waiting flow, releasing its listener, before a new Connect
   * binds the same fixed port. A flow already exchanging its code is left to finish.
   */
  supersede(platform: PlatformId): void {
    for (const other of this.#byId.values()) {
      if (other.platform === platform && (other.status === 'waiting' || other.status === 'choosing')) {
        this.#end(other, 'cancelled', 'A newer Connect replaced this one.');
      }
    }
  }

  get(id: string): Flow | undefined {
    return this.#byId.get(id);
  }

  cancel(id: string): Flow | undefined {
    const flow = this.#byId.get(id);
    // Once the code is being exchanged the account is about to be stored; cancelling
    // then would report something untrue, so only a waiting or choosing flow can be cancelled.
    // The user's own Cancel needs no sentence of its own: the window says "You cancelled — nothing changed".
    if (flow?.status === 'waiting' || flow?.status === 'choosing') this.#end(flow, 'cancelled', null);
    return flow;
  }

  /** The user picked identities and they were stored: the flow is done. */
  finishChoosing(flow: Flow, result: { accountIds: string[]; renewed: boolean }): void {
    flow.accountIds = result.accountIds;
    flow.accountId = result.accountIds[0] ?? null;
    flow.renewed = result.renewed;
    this.#end(flow, 'connected', null);
  }

  /** From the loopback listener or a plugboard:// URL: the state says which flow. */
  async handleCallback(params: URLSearchParams, expectedFlowId?: string): Promise<CallbackOutcome> {
    const shape = checkCallbackShape(params);
    if (shape.kind === 'invalid') return { done: false, ok: false, title: 'Not a sign-in address', message: shape.reason };
    const flow = this.#byState.get(shape.state);
    if (!flow || (expectedFlowId && flow.id !== expectedFlowId)) {
      this.#logger.warn('oauth callback with unknown state');
      return {
        done: false,
        ok: false,
        title: 'Unknown sign-in',
        message: 'This address does not belong to the Connect in progress (its state does not match). Nothing was changed.',
      };
    }
    if (flow.status !== 'waiting') return { done: true, ok: false, title: 'Already used', message: endedMessage(flow) };
    if ((shape.kind === 'code' && flow.expects !== 'code') || (shape.kind === 'app-password' && flow.expects !== 'app-password')) {
      this.#logger.warn('callback of the wrong kind for its flow');
      return { done: false, ok: false, title: 'Not a sign-in address', message: 'This address does not carry what the Connect in progress is waiting for. Nothing was changed.' };
    }

    if (shape.kind === 'error') {
      const declined = USER_DECLINED.has(shape.error);
      this.#end(flow, declined ? 'cancelled' : 'failed', this.#describeError(flow, shape.error, shape.description));
      return declined
        ? { done: true, ok: false, cancelled: true, title: 'You cancelled — nothing changed', message: flow.error! }
        : { done: true, ok: false, title: 'Not connected', message: flow.error! };
    }

    flow.status = 'exchanging';
    this.#onChange(view(flow));
    try {
      const result = await this.#onCode(flow, shape.params);
      if (result.kind === 'choosing') {
        flow.status = 'choosing';
        flow.choosing = { choices: result.choices, identities: result.identities, tokens: result.tokens };
        this.#onChange(view(flow));
        return {
          done: true,
          ok: true,
          title: 'Almost done',
          message: `Signed in to ${flow.platformName}. Choose what to connect in Plugboard; you can close this tab.`,
        };
      }
      flow.accountIds = result.accountIds;
      flow.accountId = result.accountIds[0] ?? null;
      flow.renewed = result.renewed;
      this.#end(flow, 'connected', null);
      return {
        done: true,
        ok: true,
        title: result.renewed ? 'Reconnected' : 'Connected',
        message: `@${result.handle} is ${result.renewed ? 'reconnected' : 'connected'} to Plugboard. You can close this tab.`,
      };
    } catch (e) {
      this.#end(flow, 'failed', (e as Error).message);
      return { done: true, ok: false, title: 'Not connected', message: flow.error! };
    }
  }

  /** Ends every open flow (shutdown). */
  closeAll(): void {
    for (const flow of this.#byId.values()) if (isOpen(flow)) this.#end(flow, 'cancelled', 'Plugboard is closing.');
  }

  #end(flow: Flow, status: FlowState, error: string | null): void {
    flow.status = status;
    flow.error = error;
    // The login's tokens of an unfinished choice are dropped with the flow.
    flow.choosing = null;
    flow.cancelTimer();
    flow.release();
    this.#onChange(view(flow));
  }

  #forgetOld(): void {
    if (this.#byId.size <= ENDED_MEMORY) return;
    for (const flow of this.#byId.values()) {
      if (this.#byId.size <= ENDED_MEMORY) break;
      if (!isOpen(flow)) {
        this.#byId.delete(flow.id);
        this.#byState.delete(flow.state);
      }
    }
  }
}

function duration(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} minutes` : `${Math.round(ms / 1000)} seconds`;
}

function isOpen(flow: Flow): boolean {
  return flow.status === 'waiting' || flow.status === 'exchanging' || flow.status === 'choosing';
}

function endedMessage(flow: Flow): string {
  switch (flow.status) {
    case 'connected':
      return 'This sign-in was already completed. You can close this tab.';
    case 'cancelled':
      return 'This Connect was cancelled in Plugboard, so the sign-in was not used. Click Connect to start again.';
    case 'timed_out':
      return 'This Connect timed out before the sign-in came back. Click Connect to start again.';
    case 'exchanging':
      return 'This sign-in is already being completed.';
    case 'choosing':
      return 'This sign-in was already used: choose what to connect in Plugboard.';
    default:
      return 'This sign-in was already used. Click Connect to start again.';
  }
}

export function view(flow: Flow): FlowView {
  return {
    flowId: flow.id,
    platform: flow.platform,
    state: flow.status,
    authorizeUrl: flow.authorizeUrl,
    redirectUri: flow.redirectUri,
    startedAt: new Date(flow.startedAt).toISOString(),
    expiresAt: new Date(flow.expiresAt).toISOString(),
    accountId: flow.accountId,
    accountIds: flow.accountIds,
    choices: flow.choosing?.choices ?? null,
    renewed: flow.renewed,
    reconnectAccountId: flow.reconnectAccountId,
    error: flow.error,
  };
}
