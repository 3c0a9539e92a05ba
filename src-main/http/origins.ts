// PLUGBOARD_ORIGINS: a JSON object (or a path to a file holding one) mapping a
// platform origin to a replacement, e.g. {"https://api.x.com": "http://127.0.0.1:7001"}.
// Applied to every platform request and to the authorization URL alike, so the
// same connector code talks to the real platform or to a fake.
// A replacement on plain http must be on this computer (loopback): tokens and client secrets
// travel to it, and anywhere else plain http would hand them to the network. The packaged
// desktop app ignores the map altogether (see launch-env.ts).
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export type OriginMap = Readonly<Record<string, string>>;

const origin = z
  .string()
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'must be an origin like https://api.x.com (scheme, host and optional port; no path)')
  .transform((s) => new URL(s).origin);

/** 127.0.0.0/8, ::1 and localhost: the only places a plain-http replacement may point. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const replacement = origin.refine((s) => {
  const u = new URL(s);
  return u.protocol === 'https:' || isLoopbackHost(u.hostname);
}, 'must be https, or plain http only on this computer (127.0.0.1, localhost or [::1]): tokens travel to it');

const originMapSchema = z.record(origin, replacement);

/** A map given in code (the demo, tests) passes the same rules as one read from the environment. */
export function checkOriginMap(map: OriginMap): OriginMap {
  return parseOriginMap(JSON.stringify(map));
}

export function parseOriginMap(value: string | undefined): OriginMap {
  if (!value || !value.trim()) return {};
  const text = value.trim().startsWith('{') ? value : readFileOrExplain(value.trim());
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`PLUGBOARD_ORIGINS is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = originMapSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    // A bad key is reported by zod as "Invalid key in record"; its own issue carries our sentence.
    const inner = first && 'issues' in first && Array.isArray(first.issues) ? (first.issues[0] as { message?: string } | undefined) : undefined;
    throw new Error(`PLUGBOARD_ORIGINS: ${first?.path.join('.') || 'value'} ${inner?.message ?? first?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

function readFileOrExplain(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`PLUGBOARD_ORIGINS names a file that cannot be read (${path}): ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}

export function rewriteUrl(map: OriginMap, url: string): string {
  const u = new URL(url);
  const target = map[u.origin];
  if (!target) return url;
  return target + u.pathname + u.search + u.hash;
}
