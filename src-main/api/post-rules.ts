// Each platform's rules for a text post, as the platform counts: shared by the core (checked before anything is
// sent) and the window (the composer's counters), so both say the same. No Node here: the web build compiles it.
import type { PlatformId } from './views.ts';

/** How a platform measures a post's length. */
export type LengthCount = 'x-weighted' | 'graphemes' | 'threads' | 'utf16';

export type PublishRule =
  | {
      supported: true;
      /** The most the platform takes, in its own count. */
      limit: number;
      count: LengthCount;
      /** in-text: the link is added to the text (and counted there); field: the platform takes it beside the text. */
      link: 'in-text' | 'field';
      /** WordPress alone keeps a draft. */
      drafts: boolean;
    }
  | { supported: false; reason: string };

const needsMedia = (name: string, what: string): PublishRule => ({
  supported: false,
  reason: `${name} posts need ${what}; Plugboard publishes text and links for now.`,
});

/**
 * Sources: X counts per twitter-text v3 (a URL is 23, most scripts outside Latin weigh 2, an emoji 2), 280 on the
 * free tier; Bluesky's app.bsky.feed.post lexicon (300 graphemes, 3,000 bytes); Threads' posts guide (500
 * characters, an emoji counted as its UTF-8 bytes; `link_attachment` for a text post); LinkedIn's Posts API
 * (`commentary`, 3,000 characters); a Facebook Page post's message (63,206) with the link in `link`.
 */
export const PUBLISH_RULES: Record<PlatformId, PublishRule> = {
  x: { supported: true, limit: 280, count: 'x-weighted', link: 'in-text', drafts: false },
  bluesky: { supported: true, limit: 300, count: 'graphemes', link: 'in-text', drafts: false },
  threads: { supported: true, limit: 500, count: 'threads', link: 'field', drafts: false },
  linkedin: { supported: true, limit: 3000, count: 'utf16', link: 'in-text', drafts: false },
  facebook: { supported: true, limit: 63206, count: 'utf16', link: 'field', drafts: false },
  wordpress: { supported: true, limit: 100_000, count: 'utf16', link: 'in-text', drafts: true },
  instagram: needsMedia('Instagram', 'an image or a video'),
  tiktok: needsMedia('TikTok', 'a video or photos'),
  youtube: needsMedia('YouTube', 'a video'),
  pinterest: needsMedia('Pinterest', 'an image'),
};

/** A URL as twitter-text and Bluesky's apps find one in text: an http(s) address up to the next space. */
export const URL_IN_TEXT = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'’”]/giu;

/** The text as the platform receives it: the link added where the platform wants it in the text. */
export function textWithLink(platform: PlatformId, text: string, link: string | null | undefined): string {
  const rule = PUBLISH_RULES[platform];
  const body = text.trim();
  if (!link || !rule.supported || rule.link !== 'in-text' || body.includes(link)) return body;
  return `${body}\n\n${link}`;
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
// A keycap (1️⃣) is an emoji too, though none of its code points is pictographic.
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;
const X_URL_WEIGHT = 23;

/** twitter-text v3's light ranges: Latin, general punctuation and a few spaces weigh 1; everything else 2. */
function xCodePointWeight(cp: number): number {
  return cp <= 0x10ff || (cp >= 0x2000 && cp <= 0x200d) || (cp >= 0x2010 && cp <= 0x201f) || (cp >= 0x2032 && cp <= 0x2037) ? 1 : 2;
}

function xWeighted(text: string): number {
  let n = 0;
  let last = 0;
  const weigh = (s: string) => {
    for (const { segment } of graphemes.segment(s)) {
      if (EMOJI.test(segment)) n += 2;
      else for (const ch of segment) n += xCodePointWeight(ch.codePointAt(0)!);
    }
  };
  for (const m of text.matchAll(URL_IN_TEXT)) {
    weigh(text.slice(last, m.index));
    n += X_URL_WEIGHT;
    last = m.index + m[0].length;
  }
  weigh(text.slice(last));
  return n;
}

const utf8 = new TextEncoder();

function threadsLength(text: string): number {
  let n = 0;
  for (const { segment } of graphemes.segment(text)) n += EMOJI.test(segment) ? utf8.encode(segment).length : [...segment].length;
  return n;
}

/** A text's length as the platform counts it. */
export function countLength(count: LengthCount, text: string): number {
  switch (count) {
    case 'x-weighted':
      return xWeighted(text.normalize('NFC'));
    case 'graphemes':
      return [...graphemes.segment(text)].length;
    case 'threads':
      return threadsLength(text);
    case 'utf16':
      return text.length;
  }
}

export interface PostCheck {
  /** The length in the platform's count, and its limit; null where the platform takes no text post. */
  length: number | null;
  limit: number | null;
  /** Why this account cannot take the post as it stands, each a sentence; empty when it can. */
  problems: string[];
}

/** Each platform's name as a sentence says it ("X", not the connectors' "X (Twitter)"). */
export const PLATFORM_NAMES: Record<PlatformId, string> = {
  x: 'X',
  bluesky: 'Bluesky',
  threads: 'Threads',
  linkedin: 'LinkedIn',
  facebook: 'Facebook',
  wordpress: 'WordPress',
  instagram: 'Instagram',
  tiktok: 'TikTok',
  youtube: 'YouTube',
  pinterest: 'Pinterest',
};

/** Checks one platform's rules against a post: what the composer shows and what the core refuses to send. */
export function checkPost(platform: PlatformId, post: { text: string; link?: string | null; draft?: boolean }): PostCheck {
  const rule = PUBLISH_RULES[platform];
  if (!rule.supported) return { length: null, limit: null, problems: [rule.reason] };
  const name = PLATFORM_NAMES[platform];
  const text = textWithLink(platform, post.text, post.link);
  const length = countLength(rule.count, text);
  const problems: string[] = [];
  if (post.text.trim() === '') problems.push('Write something to post.');
  if (length > rule.limit) problems.push(`${name} takes ${rule.limit.toLocaleString('en')} characters as it counts them; this is ${length.toLocaleString('en')}.`);
  if (platform === 'bluesky' && utf8.encode(text).length > 3000) problems.push('Bluesky takes at most 3,000 bytes of text; this is longer.');
  if (platform === 'threads' && new Set([...text.matchAll(URL_IN_TEXT)].map((m) => m[0]).concat(post.link ? [post.link] : [])).size > 5) {
    problems.push('Threads takes at most 5 links in a post.');
  }
  if (post.draft && !rule.drafts) problems.push(`${name} has no drafts: only WordPress keeps a post as a draft.`);
  return { length, limit: rule.limit, problems };
}
