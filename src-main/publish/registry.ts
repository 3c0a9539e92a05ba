// src-main/publish/: one post to many accounts — each platform's publisher, the rules checked first, a result per account.
//
// The publisher of each platform that takes text posts (api/post-rules.ts says which do).
import type { PlatformId } from '../api/views.ts';
import type { Publisher } from './types.ts';

export const PUBLISHERS: Partial<Record<PlatformId, Publisher>> = {};
