// The connectors this build ships. Platforms declared in providers.ts without
// a connector here show as "coming soon".
import type { PlatformId } from '../api/contract.ts';
import type { Connector } from './types.ts';
import { bluesky } from './bluesky.ts';
import { wordpress } from './wordpress.ts';
import { pinterest } from './pinterest.ts';
import { tiktok } from './tiktok.ts';
import { x } from './x.ts';
import { youtube } from './youtube.ts';

const connectors: Partial<Record<PlatformId, Connector>> = { x, tiktok, youtube, pinterest, bluesky, wordpress };

export function connectorFor(platform: PlatformId): Connector | null {
  return connectors[platform] ?? null;
}
