// The demo shows posts arriving: each post a fake platform received is printed in the demo's terminal as it
// lands, so publishing from the window, `plugboard post` or an assistant can be watched end to end.
import type { Core } from '../core/types.ts';

/** What the fakes keep of a post: its text under the platform's own name for it. */
interface Received {
  text?: string;
  message?: string | null;
  title?: string;
}

export interface PostingFake {
  posts(): readonly Received[];
}

export function printPostsArriving(core: Pick<Core, 'subscribe'>, fakes: [name: string, fake: PostingFake][], print: (line: string) => void = console.log): void {
  const seen = new Map<PostingFake, number>();
  core.subscribe((event) => {
    if (event.type !== 'posts.changed') return;
    for (const [name, fake] of fakes) {
      const all = fake.posts();
      for (const post of all.slice(seen.get(fake) ?? 0)) print(`fake ${name} received a post: ${preview(post)}`);
      seen.set(fake, all.length);
    }
  });
}

function preview(post: Received): string {
  const words = (post.text ?? post.message ?? post.title ?? '').replace(/\s+/g, ' ').trim();
  return JSON.stringify(words.length > 80 ? `${words.slice(0, 79)}…` : words);
}
