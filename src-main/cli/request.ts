// `plugboard request <account> <METHOD> <path or URL>`: one platform API call through Plugboard's proxy, which
// adds the token. The body streams in from --data (@file, @- for stdin, or text) and the reply streams out to
// stdout, as curl does: headers only with --include, and a platform's refusal (≥ 400) is exit 5.
import type { IncomingMessage } from 'node:http';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ANSWERED_BY_HEADER, EXIT } from '../gateway/protocol.ts';
import { parse, usage } from './args.ts';
import { readText, refusal, send } from './client.ts';
import { connection, printJson, type Cli } from './context.ts';
import { CliFailure } from './failure.ts';

/** RFC 9110's token: what a header's name may be. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export async function request(cli: Cli, args: string[]): Promise<number> {
  const { values, positionals } = parse('request', args, {
    data: { type: 'string', short: 'd' },
    header: { type: 'string', short: 'H', multiple: true },
    include: { type: 'boolean', short: 'i' },
  });
  if (positionals.length !== 3) throw usage('request', 'Give the account, the method and the path or URL, as in `plugboard request x:@alice GET /2/users/me`');
  const [account, rawMethod, url] = positionals as [string, string, string];
  const method = rawMethod.toUpperCase();
  if (!TOKEN.test(method)) throw usage('request', `"${rawMethod}" is not an HTTP method`);
  const headers = parseHeaders((values.header as string[] | undefined) ?? []);
  const { socket, key } = connection(cli);
  const body = await openBody(cli, values.data as string | undefined, headers);

  const path = `/v1/request?${new URLSearchParams({ account, method, url })}`;
  const res = await send(socket, 'POST', path, { key, body, headers });
  // Plugboard's own refusal (not the platform's): its sentence and the protocol's exit code.
  if (res.headers[ANSWERED_BY_HEADER] !== 'platform' && res.statusCode! >= 400) {
    // A refusal can come before the body is all read: stop reading it (stdin would keep the command waiting).
    const failure = await refusal(res);
    if (body && typeof body !== 'string') {
      body.destroy();
      res.destroy();
    }
    throw failure;
  }
  const status = res.statusCode!;
  const refused = status >= 400;
  if (values.json) {
    printJson(cli, { status, headers: res.headers, body: asJsonOrText(await readText(res)) });
  } else {
    if (values.include) cli.stdout.write(head(res));
    await pipeline(res, cli.stdout, { end: false });
  }
  if (refused) cli.stderr.write(`plugboard: the platform answered ${status} ${res.statusMessage ?? ''}`.trimEnd() + '.\n');
  return refused ? EXIT.platformRefused : EXIT.done;
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) throw usage('request', `-H takes "Name: value", not "${line}"`);
    headers[name.toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** --data @file streams the file (with its length), @- streams stdin, anything else is sent as it is. */
async function openBody(cli: Cli, data: string | undefined, headers: Record<string, string>): Promise<string | Readable | undefined> {
  if (data === undefined) return undefined;
  if (data === '@-') return cli.stdin;
  if (!data.startsWith('@')) return data;
  const file = data.slice(1);
  try {
    const handle = await open(file);
    const stat = await handle.stat();
    // A pipe or a device has no length to announce; it goes chunked.
    if (stat.isFile()) headers['content-length'] ??= String(stat.size);
    return handle.createReadStream();
  } catch (e) {
    throw new CliFailure(EXIT.usage, `Cannot read ${file} for --data: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}

/** The status line and headers as they came (curl -i). */
function head(res: IncomingMessage): string {
  const lines = [`HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd()];
  for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function asJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
