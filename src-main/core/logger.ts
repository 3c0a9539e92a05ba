// Logs name what happened and to which request; callers never pass tokens or secrets.
// redact() is the second line of defence for values that arrive from outside (URLs, bodies).
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
