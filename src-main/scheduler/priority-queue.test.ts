import { describe, expect, it } from 'vitest';
import { PriorityQueue } from './priority-queue.ts';

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function drain(q: PriorityQueue<string>): [string, number][] {
  const out: [string, number][] = [];
  for (let top = q.pop(); top; top = q.pop()) out.push([top.key, top.priority]);
  return out;
}

describe('PriorityQueue', () => {
  it('pops in priority order and reports size and peek', () => {
    const q = new PriorityQueue<string>();
    expect(q.peek()).toBeUndefined();
    expect(q.pop()).toBeUndefined();
    for (const [k, p] of [['c', 30], ['a', 10], ['d', 40], ['b', 20]] as const) q.set(k, p);
    expect(q.size).toBe(4);
    expect(q.peek()).toEqual({ key: 'a', priority: 10 });
    expect(drain(q)).toEqual([['a', 10], ['b', 20], ['c', 30], ['d', 40]]);
    expect(q.size).toBe(0);
  });

  it('moves a key up (decrease) or down (increase) without duplicating it', () => {
    const q = new PriorityQueue<string>();
    for (const [k, p] of [['a', 10], ['b', 20], ['c', 30]] as const) q.set(k, p);
    q.set('c', 5);
    expect(q.peek()).toEqual({ key: 'c', priority: 5 });
    q.set('c', 25);
    q.set('a', 50);
    expect(q.size).toBe(3);
    expect(q.priority('a')).toBe(50);
    expect(drain(q)).toEqual([['b', 20], ['c', 25], ['a', 50]]);
  });

  it('removes any key, including the head and the last slot', () => {
    const q = new PriorityQueue<string>();
    for (const [k, p] of [['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]] as const) q.set(k, p);
    expect(q.remove('a')).toBe(true);
    expect(q.remove('e')).toBe(true);
    expect(q.remove('c')).toBe(true);
    expect(q.remove('c')).toBe(false);
    expect(q.has('c')).toBe(false);
    expect(q.priority('c')).toBeUndefined();
    expect(drain(q)).toEqual([['b', 2], ['d', 4]]);
  });

  it('refuses NaN, which would silently break the order', () => {
    expect(() => new PriorityQueue<string>().set('a', Number.NaN)).toThrow(RangeError);
  });

  it('agrees with a sorted array over random inserts, moves, removes and pops (seeded)', () => {
    const random = mulberry32(20250101);
    const q = new PriorityQueue<string>();
    const model = new Map<string, number>();
    const modelHead = () => Math.min(...model.values());
    for (let step = 0; step < 20_000; step++) {
      const key = `k${Math.floor(random() * 300)}`;
      const r = random();
      if (r < 0.5) {
        // Small integer priorities so ties happen often.
        const p = Math.floor(random() * 1000);
        q.set(key, p);
        model.set(key, p);
      } else if (r < 0.75) {
        expect(q.remove(key)).toBe(model.delete(key));
      } else if (model.size > 0) {
        const top = q.pop()!;
        expect(top.priority).toBe(modelHead());
        expect(model.get(top.key)).toBe(top.priority);
        model.delete(top.key);
      }
      expect(q.size).toBe(model.size);
      if (model.size > 0) expect(q.peek()!.priority).toBe(modelHead());
    }
    const sorted = [...model.values()].sort((a, b) => a - b);
    expect(drain(q).map(([, p]) => p)).toEqual(sorted);
  });
});
