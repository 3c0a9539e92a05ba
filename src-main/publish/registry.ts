// The publisher of each platform that takes text posts (api/post-rules.ts says which do).
import type { PlatformId } from '../api/views.ts';
import { blueskyPublisher } from './bluesky-publisher.ts';
import type { Publisher } from './types.ts';
import { wordpressPublisher } from './wordpress-publisher.ts';
import { xPublisher } from './x-publisher.ts';

export const PUBLISHERS: Partial<Record<PlatformId, Publisher>> = {
  x: xPublisher,
  bluesky: blueskyPublisher,
  wordpress: wordpressPublisher,
};
