// src-main/connectors/: one file per platform — how it connects, renews, reads a profile and revokes — over the HTTP layer, with what they share.
//
// Shared handling of a platform API reply before its body is trusted.
import { z } from 'zod';
import { rejectUnusable } from '../oauth/oauth-client.ts';
import type { Connector } from './types.ts';
import { PlatformError } from '../errors/platform-error.ts';

/** Reads a JSON reply against a schema; anything else becomes a classified PlatformError. */
export async function readJson<S extends z.ZodType>(connector: Connector, res: Response, schema: S, what: string): Promise<z.infer<S>> {
  const name = connector.decl.name;
  await rejectUnusable(connector, res);
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new PlatformError('auth', `${name} no longer accepts this account's access (HTTP ${res.status}). Reconnect the account.`, { status: res.status });
  }
  const text = await res.text();
  if (!res.ok) throw new PlatformError('server', `${name} could not return ${what} (HTTP ${res.status}).`, { status: res.status });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PlatformError('malformed', `${name} sent ${what} that is not valid JSON. Nothing was changed; try again later.`, { status: res.status });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlatformError('malformed', `${name} sent ${what} without the expected fields (${issue?.path.join('.') || 'body'}: ${issue?.message}). Nothing was changed.`, { status: res.status });
  }
  return parsed.data;
}
