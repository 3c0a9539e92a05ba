import { describe, expect, it } from 'vitest';
import { checkPost, countLength, PUBLISH_RULES, textWithLink } from './post-rules.ts';

const FAMILY = '👨‍👩‍👧‍👦';

describe('X: the weighted count of twitter-text v3', () => {
  it.each([
    ['Latin letters weigh 1', 'hello', 5],
    ['a URL weighs 23 whatever its length', 'https://example.com/a/very/long/path?with=query', 23],
    ['a URL in text weighs 23, trailing punctuation apart', 'see https://a.co.', 4 + 23 + 1],
    ['CJK weighs 2', 'こんにちは', 10],
    ['an emoji weighs 2', '😀', 2],
    ['a family (one ZWJ sequence) weighs 2', FAMILY, 2],
    ['a flag weighs 2', '🇫🇷', 2],
    ['a keycap weighs 2', '1️⃣', 2],
    ['a decomposed accent is counted as its composed letter', 'e\u0301', 1],
    ['general punctuation (an em dash, curly quotes) weighs 1', '—“”', 3],
  ])('%s', (_what, text, weight) => {
    expect(countLength('x-weighted', text)).toBe(weight);
  });

  it('takes 280: 140 CJK characters fit, 141 do not', () => {
    expect(checkPost('x', { text: '字'.repeat(140) }).problems).toEqual([]);
    expect(checkPost('x', { text: '字'.repeat(141) })).toEqual({ length: 282, limit: 280, problems: ['X takes 280 characters as it counts them; this is 282.'] });
  });

  it('counts the link it adds to the text, with the blank line before it', () => {
    const check = checkPost('x', { text: 'a'.repeat(255), link: 'https://example.com/launch' });
    expect(check.length).toBe(255 + 2 + 23);
    expect(check.problems).toEqual([]);
    expect(checkPost('x', { text: 'a'.repeat(256), link: 'https://example.com/launch' }).problems).toHaveLength(1);
  });
});

describe('Bluesky: 300 graphemes and 3,000 bytes', () => {
  it('counts a family emoji as one grapheme', () => {
    expect(countLength('graphemes', FAMILY)).toBe(1);
    expect(countLength('graphemes', `ab${FAMILY}🇫🇷`)).toBe(4);
  });

  it('takes 300 graphemes, not 301', () => {
    expect(checkPost('bluesky', { text: 'a'.repeat(300) }).problems).toEqual([]);
    expect(checkPost('bluesky', { text: 'a'.repeat(301) }).problems).toEqual(['Bluesky takes 300 characters as it counts them; this is 301.']);
  });

  it('refuses more than 3,000 bytes even within 300 graphemes', () => {
    // 150 families: 150 graphemes, 25 bytes each.
    expect(checkPost('bluesky', { text: FAMILY.repeat(150) })).toEqual({ length: 150, limit: 300, problems: ['Bluesky takes at most 3,000 bytes of text; this is longer.'] });
  });
});

describe('Threads: an emoji counts as its UTF-8 bytes', () => {
  it.each([
    ['a letter', 'a', 1],
    ['an emoji of 4 bytes', '😀', 4],
    ['a family of 25 bytes', FAMILY, 25],
    ['CJK counts 1 each', '字字', 2],
  ])('%s', (_what, text, length) => {
    expect(countLength('threads', text)).toBe(length);
  });

  it('takes 500 and at most 5 links, the link field among them', () => {
    expect(checkPost('threads', { text: '😀'.repeat(125) }).problems).toEqual([]);
    expect(checkPost('threads', { text: '😀'.repeat(126) }).problems).toEqual(['Threads takes 500 characters as it counts them; this is 504.']);
    const links = [1, 2, 3, 4, 5].map((n) => `https://example.com/${n}`).join(' ');
    expect(checkPost('threads', { text: links }).problems).toEqual([]);
    expect(checkPost('threads', { text: links, link: 'https://example.com/6' }).problems).toEqual(['Threads takes at most 5 links in a post.']);
  });

  it('takes the link beside the text, not in it', () => {
    expect(textWithLink('threads', 'hello', 'https://example.com')).toBe('hello');
    expect(textWithLink('x', 'hello ', 'https://example.com')).toBe('hello\n\nhttps://example.com');
    expect(textWithLink('x', 'see https://example.com', 'https://example.com')).toBe('see https://example.com');
  });
});

describe('what every platform says', () => {
  it('only WordPress keeps drafts', () => {
    expect(checkPost('wordpress', { text: 'later', draft: true }).problems).toEqual([]);
    for (const platform of ['x', 'bluesky', 'threads', 'linkedin', 'facebook'] as const) {
      expect(checkPost(platform, { text: 'later', draft: true }).problems).toEqual([expect.stringMatching(/has no drafts: only WordPress keeps a post as a draft\.$/)]);
    }
  });

  it('platforms without text posts say why, with no count', () => {
    for (const platform of ['instagram', 'tiktok', 'youtube', 'pinterest'] as const) {
      const rule = PUBLISH_RULES[platform];
      expect(rule.supported).toBe(false);
      expect(checkPost(platform, { text: 'hello' })).toEqual({ length: null, limit: null, problems: [expect.stringMatching(/ posts need .*; Plugboard publishes text and links for now\.$/)] });
    }
    expect(checkPost('instagram', { text: 'hello' }).problems).toEqual(['Instagram posts need an image or a video; Plugboard publishes text and links for now.']);
  });

  it('an empty text is refused everywhere', () => {
    expect(checkPost('wordpress', { text: '  \n' }).problems).toEqual(['Write something to post.']);
  });
});
