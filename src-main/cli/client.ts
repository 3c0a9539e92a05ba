// One request to Plugboard over its socket (node:http with socketPath, as curl --unix-socket does): bodies
// stream both ways, and a refusal or an unreachable socket becomes the command's sentence and exit code.
import { request, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EXIT, GATEWAY_ERRORS, type GatewayErrorBody } from '../gateway/protocol.ts';
import { CliFailure } from './failure.ts';

export interface SendOptions {
  key?: string;
  /** A string is sent whole with its length; a stream is piped (chunked unless `headers` give a length). */
  body?: string | Readable;
  headers?: Record<string, string>;
  /** Aborting hangs up: a request Plugboard is holding (a post waiting for the user) is taken back. */
  signal?: AbortSignal;
}

export function send(socket: string, method: string, path: string, opts: SendOptions = {}): Promise<IncomingMessage> {
  const headers: Record<string, string> = { host: 'plugboard', ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (typeof opts.body === 'string') headers['content-length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers, signal: opts.signal }, resolve);
    req.on('error', (e) => reject(unreachable(socket, e as NodeJS.ErrnoException)));
    if (opts.body === undefined || typeof opts.body === 'string') req.end(opts.body);
    else {
      // Headers go at once, not with the first chunk: Plugboard can refuse (no key, locked…) before stdin says anything,
      // and that answer is what counts then, however much of the body was sent.
      req.flushHeaders();
      pipeline(opts.body, req).catch((e: NodeJS.ErrnoException) => reject(unreachable(socket, e)));
    }
  });
}

/** Sends and reads a JSON answer; anything but 2xx is Plugboard's refusal. */
export async function callJson<T>(socket: string, method: string, path: string, opts: SendOptions = {}): Promise<T> {
  const res = await send(socket, method, path, opts);
  if (res.statusCode! >= 300) throw await refusal(res);
  const text = await readText(res);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CliFailure(EXIT.failed, `Plugboard answered ${path} with something that is not JSON.`);
  }
}

export async function readText(res: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Plugboard's `{"error":{code,message}}` as a failure with the protocol's exit code. */
export async function refusal(res: IncomingMessage): Promise<CliFailure> {
  const text = await readText(res);
  let body: GatewayErrorBody | null = null;
  try {
    body = JSON.parse(text) as GatewayErrorBody;
  } catch {
    // Not Plugboard's error shape: said below.
  }
  const code = body?.error?.code;
  if (!code || !(code in GATEWAY_ERRORS) || typeof body!.error.message !== 'string') {
    return new CliFailure(EXIT.failed, `Plugboard answered ${res.statusCode} without saying why.`);
  }
  return new CliFailure(GATEWAY_ERRORS[code].exit, body!.error.message, body);
}

function unreachable(socket: string, e: NodeJS.ErrnoException): CliFailure {
  if (e instanceof CliFailure) return e;
  switch (e.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
      return new CliFailure(EXIT.notRunning, `Plugboard is not running: nothing answers on ${socket} (start Plugboard, or set PLUGBOARD_SOCKET or PLUGBOARD_DATA_DIR to the one that runs).`);
    case 'EACCES':
    case 'EPERM':
      return new CliFailure(EXIT.notRunning, `Cannot open Plugboard's socket ${socket}: it belongs to another user.`);
    default:
      return new CliFailure(EXIT.failed, `The connection to Plugboard on ${socket} failed: ${e.code ?? e.message}.`);
  }
}
