// Reading a tool's request and answering it: JSON both ways, Plugboard's errors in one shape with their code.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANSWERED_BY_HEADER, GATEWAY_ERRORS, type GatewayErrorCode } from './protocol.ts';

/** Plugboard's own request bodies (pairing) are a few hundred bytes; proxied bodies stream and are not read here. */
export const JSON_BODY_LIMIT = 64 * 1024;

export class GatewayFailure extends Error {
  readonly code: GatewayErrorCode;
  constructor(code: GatewayErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // Plugboard's own answer, so a tool can tell its 403 from a platform's passed through by the proxy.
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', [ANSWERED_BY_HEADER]: 'plugboard' });
  res.end(text);
}

export function sendError(res: ServerResponse, code: GatewayErrorCode, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, GATEWAY_ERRORS[code].status, { error: { code, message } });
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > JSON_BODY_LIMIT) throw new GatewayFailure('too_large', `The request body is over ${JSON_BODY_LIMIT / 1024} KiB.`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new GatewayFailure('bad_request', 'The request body is not valid JSON.');
  }
}

/** The key from `Authorization: Bearer <key>`, or null. */
export function presentedKey(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match ? match[1]! : null;
}
