// How a command ends when it cannot do what was asked: one sentence for stderr and the exit code that says why.
import type { GatewayErrorBody } from '../gateway/protocol.ts';

export class CliFailure extends Error {
  readonly exit: number;
  /** Plugboard's own error, when it said one: printed on stdout under --json so a script can read its code. */
  readonly body: GatewayErrorBody | null;
  constructor(exit: number, message: string, body: GatewayErrorBody | null = null) {
    super(message);
    this.exit = exit;
    this.body = body;
  }
}
