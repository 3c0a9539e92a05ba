// The connectors this build ships. Platforms declared in providers.ts without
// a connector here show as "coming soon".
import type { PlatformId } from '../api/contract.ts';
import type { Connector } from './types.ts';
import { x } from './x.ts';

const connectors: Partial<Record<PlatformId, Connector>> = { x };

export function connectorFor(platform: PlatformId): Connector | null {
  return connectors[platform] ?? null;
}
