import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../api/contract.ts';
import { printPostsArriving } from './demo-posts.ts';

describe('the demo prints posts as the fakes receive them', () => {
  it('prints each new post once, when Plugboard says posts changed, under its platform name', async () => {
    const listeners: ((e: ApiEvent) => void)[] = [];
    const core = { subscribe: (l: (e: ApiEvent) => void) => (listeners.push(l), () => {}) };
    const threads = { list: [] as { text: string }[], posts() { return this.list; } };
    const facebook = { list: [] as { message: string | null }[], posts() { return this.list; } };
    const lines: string[] = [];
    printPostsArriving(core, [['Threads', threads], ['Facebook', facebook]], (l) => lines.push(l));
    const emit = (type: ApiEvent['type']) => listeners.forEach((l) => l({ type } as ApiEvent));

    threads.list.push({ text: 'Launch day\n\nwith   a link' });
    emit('accounts.changed');
    expect(lines).toEqual([]);
    emit('posts.changed');
    facebook.list.push({ message: 'x'.repeat(100) });
    emit('posts.changed');
    emit('posts.changed');
    expect(lines).toEqual([
      'fake Threads received a post: "Launch day with a link"',
      `fake Facebook received a post: "${'x'.repeat(79)}…"`,
    ]);
  });

});
