// The publisher of each platform that takes text posts (api/post-rules.ts says which do).
import type { PlatformId } from '../api/views.ts';
import { facebookPublisher } from './facebook-publisher.ts';
import { linkedinPublisher } from './linkedin-publisher.ts';
import { threadsPublisher } from './threads-publisher.ts';
import type { Publisher } from './types.ts';

export const PUBLISHERS: Partial<Record<PlatformId, Publisher>> = {
  linkedin: linkedinPublisher,
  facebook: facebookPublisher,
  threads: threadsPublisher,
};
