// The proxy, `POST /v1/request?account=&method=&url=`: the tool's request sent to the platform with the account's
// credential put where that platform expects it (providers.ts, `api`), through the one HTTP layer, and the reply
// streamed back. Bodies up to 100 MiB stream both ways and are never held whole; the credential never reaches the
// tool, and the record names the method, path and status only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { providerDecl } from '../connectors/providers.ts';
import type { ApiDecl } from '../connectors/types.ts';
import { basic } from '../connectors/wordpress-rest.ts';
import type { AccountRow } from '../store/accounts.ts';
import type { ToolRow } from '../store/tools.ts';
import { accountRef } from './account-ref.ts';
import { ANSWERED_BY_HEADER } from './protocol.ts';
import { GatewayFailure } from './replies.ts';
import { freshCredentials, grantedAccount, platformFailure, recordUse, type GatewayContext } from './tool-access.ts';
import { resolveTarget } from './proxy-target.ts';

/** The most a request or reply body may carry through the proxy (a media upload). */
export const PROXY_BODY_LIMIT = 100 * 1024 * 1024;
/**
 * A request body this small (with its length declared) is kept in memory, so the request can be sent again after
 * renewing an expired token. A larger or undeclared one streams straight through and cannot be replayed: a 401 to
 * it passes to the tool as it is, and the tool (whose next request gets the renewed token) sends it again.
 */
const REPLAYABLE_BODY_LIMIT = 64 * 1024;
/** An expired-token reply is read this far to find the platform's words for it; error bodies are far smaller. */
const ERROR_PEEK_LIMIT = 64 * 1024;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** RFC 9110 7.6.1's connection-specific headers, and the legacy ones proxies also drop. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/**
 * Never passed on from the tool: Plugboard signs the request itself, the tool's key and cookies are for Plugboard
 * alone, and the HTTP layer sets the framing (a declared content-length is re-sent, see forwardHeaders).
 */
const NOT_FORWARDED = new Set([...HOP_BY_HOP, 'host', 'authorization', 'cookie', 'content-length', 'expect']);

type Body = { kind: 'none' } | { kind: 'kept'; bytes: Buffer } | { kind: 'streamed'; length: number | null };

export async function proxyRequest(ctx: GatewayContext, tool: ToolRow, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const row = grantedAccount(ctx, tool, url.searchParams.get('account'), 'request');
  const method = (url.searchParams.get('method') ?? 'GET').toUpperCase();
  if (!METHODS.has(method)) throw new GatewayFailure('bad_request', `Plugboard does not send ${method} requests; use one of ${[...METHODS].join(', ')}.`);
  const decl = providerDecl(row.platform).api;
  const target = resolveTarget(decl, row, url.searchParams.get('url'));
  const body = await readBody(req);

  // A tool that hangs up ends the platform request too, its upload or download with it.
  const hungUp = new AbortController();
  res.once('close', () => res.writableFinished || hungUp.abort());

  let creds = await freshCredentials(ctx, row);
  let reply = await send(ctx, decl, target.url, method, req, body, creds, hungUp.signal);
  if (body.kind !== 'streamed' && (await saysExpired(decl, reply))) {
    try {
      await ctx.lifecycle.refreshNow(row.id);
    } catch (e) {
      throw platformFailure(row, e);
    }
    const renewed = await freshCredentials(ctx, row);
    // A renewal of seconds ago is not repeated (lifecycle.ts, RECENT_RENEWAL_MS): the same token would only be refused again.
    if (renewed.accessToken !== creds.accessToken) {
      await reply.res.body?.cancel();
      creds = renewed;
      reply = await send(ctx, decl, target.url, method, req, body, creds, hungUp.signal);
    }
  }
  recordUse(ctx, tool, creds.row, 'tool_request', `${method} ${target.path} → ${reply.res.status}`);
  await answer(res, reply);
}

/** The tool's body: none, kept when small enough to replay, else left in the socket to stream. */
async function readBody(req: IncomingMessage): Promise<Body> {
  const declared = req.headers['content-length'];
  const length = declared === undefined ? null : Number(declared);
  if (length !== null && !(Number.isSafeInteger(length) && length >= 0)) throw new GatewayFailure('bad_request', 'The content-length header is not a number of bytes.');
  if (length !== null && length > PROXY_BODY_LIMIT) throw tooLarge();
  if (length === 0 || (length === null && req.headers['transfer-encoding'] === undefined)) return { kind: 'none' };
  if (length === null || length > REPLAYABLE_BODY_LIMIT) return { kind: 'streamed', length };
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return { kind: 'kept', bytes: Buffer.concat(chunks) };
}

function tooLarge(): GatewayFailure {
  return new GatewayFailure('too_large', `Plugboard passes bodies of up to ${PROXY_BODY_LIMIT / 1024 / 1024} MiB.`);
}

/** The socket's bytes as they come, stopped past the limit (a body whose length was not declared). */
async function* capped(req: IncomingMessage, over: { hit: boolean }): AsyncIterable<Uint8Array> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > PROXY_BODY_LIMIT) {
      over.hit = true;
      throw tooLarge();
    }
    yield chunk;
  }
}

interface Reply {
  res: Response;
  /** The start of the body, read to look for the platform's expired-token words; the rest, if any, is still in res. */
  peeked: Buffer | null;
}

async function send(
  ctx: GatewayContext,
  decl: ApiDecl,
  target: URL,
  method: string,
  req: IncomingMessage,
  body: Body,
  creds: { accessToken: string | null; appPassword: string | null; row: AccountRow },
  signal: AbortSignal,
): Promise<Reply> {
  const url = new URL(target);
  const headers = forwardHeaders(req, body);
  sign(decl, creds, url, headers);
  const over = { hit: false };
  const payload = body.kind === 'none' ? null : body.kind === 'kept' ? body.bytes : capped(req, over);
  try {
    return { res: await ctx.http.stream(url, { method, headers, body: payload, signal }), peeked: null };
  } catch (e) {
    if (over.hit) throw tooLarge();
    // The tool hung up: nobody is left to answer.
    if (signal.aborted) throw new GatewayFailure('internal', 'The tool hung up.');
    throw platformFailure(creds.row, e);
  }
}

function forwardHeaders(req: IncomingMessage, body: Body): Headers {
  const named = new Set(String(req.headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()));
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name) || named.has(name) || name.startsWith('plugboard-')) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  // Some upload endpoints refuse chunked bodies; the HTTP layer checks the bytes sent against a declared length.
  if (body.kind === 'kept') headers.set('content-length', String(body.bytes.length));
  if (body.kind === 'streamed' && body.length !== null) headers.set('content-length', String(body.length));
  return headers;
}

/** Puts the account's credential where the platform expects it (providers.ts, api.token). */
function sign(decl: ApiDecl, creds: { accessToken: string | null; appPassword: string | null; row: AccountRow }, url: URL, headers: Headers): void {
  const missing = () => new GatewayFailure('platform', `${accountRef(creds.row)} has no credential stored to sign with: Reconnect it in Plugboard.`);
  if (decl.token === 'basic-app-password') {
    const username = (JSON.parse(creds.row.details) as Record<string, string>).username;
    if (!username || !creds.appPassword) throw missing();
    headers.set('authorization', basic(username, creds.appPassword));
    return;
  }
  if (!creds.accessToken) throw missing();
  if (decl.token === 'bearer') headers.set('authorization', `Bearer ${creds.accessToken}`);
  else url.searchParams.set('access_token', creds.accessToken);
}

/**
 * The platform says the token expired (providers.ts, api.expiredToken): its status, and where it names a reason,
 * those words in the body. The body read to check is kept for the tool, should the reply go to it after all.
 */
async function saysExpired(decl: ApiDecl, reply: Reply): Promise<boolean> {
  const rule = decl.expiredToken;
  if (!rule || reply.res.status !== rule.status) return false;
  reply.peeked = await peek(reply.res, ERROR_PEEK_LIMIT);
  return rule.bodyIncludes === undefined || reply.peeked.toString('utf8').includes(rule.bodyIncludes);
}

async function peek(res: Response, limit: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  reader.releaseLock();
  return Buffer.concat(chunks);
}

/** The platform's status, headers (minus hop-by-hop and cookies) and body, as they come. */
async function answer(out: ServerResponse, reply: Reply): Promise<void> {
  const { res } = reply;
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== 'set-cookie' && name !== 'set-cookie2') headers[name] = value;
  });
  // What was peeked is written first and the rest follows, so a content-length still holds; the body is as the
  // platform encoded it.
  if (!res.body) delete headers['content-length'];
  headers[ANSWERED_BY_HEADER] = 'platform';
  out.writeHead(res.status, res.statusText, headers);
  if (reply.peeked) out.write(reply.peeked);
  if (!res.body) {
    out.end();
    return;
  }
  // A tool that hangs up mid-reply has already aborted the platform request; there is nobody to tell.
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), out).catch(() => out.destroy());
}
