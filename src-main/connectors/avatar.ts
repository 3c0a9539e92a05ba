// Avatars are downloaded once, at connect, and kept as data: URIs: the UI works
// offline and the renderer's CSP needs no remote image hosts. Best effort: any
// failure means "show the initial".
import type { Http } from '../http/http.ts';

const MAX_BYTES = 256 * 1024;
const TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export async function fetchAvatar(http: Http, url: string | null): Promise<string | null> {
  if (!url) return null;
  try {
    const res = await http.fetch(url, { timeoutMs: 8_000, redirect: 'follow' });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!res.ok || !TYPES.has(type)) {
      await res.body?.cancel();
      return null;
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length === 0 || bytes.length > MAX_BYTES) return null;
    return `data:${type};base64,${bytes.toString('base64')}`;
  } catch {
    return null;
  }
}
