// The connectors this build ships. Platforms declared in providers.ts without
// a connector here show as "coming soon".
import type { PlatformId } from '../api/contract.ts';
import type { Connector } from './types.ts';
import { bluesky } from './bluesky.ts';
import { facebook } from './facebook.ts';
import { instagram } from './instagram.ts';
import { instagramViaFacebook } from './instagram-facebook.ts';
import { linkedin } from './linkedin.ts';
import { threads } from './threads.ts';
import { wordpress } from './wordpress.ts';
import { pinterest } from './pinterest.ts';
import { tiktok } from './tiktok.ts';
import { x } from './x.ts';
import { youtube } from './youtube.ts';

const connectors: Partial<Record<PlatformId, Connector>> = { x, linkedin, facebook, instagram, threads, tiktok, youtube, pinterest, bluesky, wordpress };

/**
 * Second ways into a platform, by the platform whose login they use: an Instagram account
 * reached through a Facebook Page signs in with Facebook and is still an Instagram account.
 */
const routes: Partial<Record<PlatformId, Partial<Record<PlatformId, Connector>>>> = { instagram: { facebook: instagramViaFacebook } };

export function connectorFor(platform: PlatformId, via: PlatformId | null = null): Connector | null {
  return via ? (routes[platform]?.[via] ?? null) : (connectors[platform] ?? null);
}

/** The platforms whose login offers a second way into `platform` (e.g. ['facebook'] for Instagram). */
export function routesInto(platform: PlatformId): PlatformId[] {
  return Object.keys(routes[platform] ?? {}) as PlatformId[];
}
