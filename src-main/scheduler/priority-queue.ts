// src-main/scheduler/: when each account renews — a due-time queue, timing rules and the refresh scheduler.
//
// A binary min-heap of keys by priority. The index map lets the scheduler move
// or drop one account's due time in O(log n) instead of scanning 10,000 entries.
export class PriorityQueue<K> {
  #keys: K[] = [];
  #priorities: number[] = [];
  #index = new Map<K, number>();

  get size(): number {
    return this.#keys.length;
  }

  has(key: K): boolean {
    return this.#index.has(key);
  }

  priority(key: K): number | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#priorities[i];
  }

  peek(): { key: K; priority: number } | undefined {
    return this.#keys.length === 0 ? undefined : { key: this.#keys[0], priority: this.#priorities[0] };
  }

  /** Inserts the key, or moves it to the new priority (up or down). */
  set(key: K, priority: number): void {
    // NaN compares false both ways and would silently break the heap order.
    if (Number.isNaN(priority)) throw new RangeError('priority is NaN');
    const i = this.#index.get(key);
    if (i === undefined) {
      this.#keys.push(key);
      this.#priorities.push(priority);
      this.#index.set(key, this.#keys.length - 1);
      this.#up(this.#keys.length - 1);
      return;
    }
    const old = this.#priorities[i];
    this.#priorities[i] = priority;
    if (priority < old) this.#up(i);
    else if (priority > old) this.#down(i);
  }

  remove(key: K): boolean {
    const i = this.#index.get(key);
    if (i === undefined) return false;
    this.#index.delete(key);
    const lastKey = this.#keys.pop()!;
    const lastPriority = this.#priorities.pop()!;
    if (i < this.#keys.length) {
      this.#keys[i] = lastKey;
      this.#priorities[i] = lastPriority;
      this.#index.set(lastKey, i);
      this.#down(i);
      this.#up(i);
    }
    return true;
  }

  pop(): { key: K; priority: number } | undefined {
    const top = this.peek();
    if (top) this.remove(top.key);
    return top;
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#priorities[parent] <= this.#priorities[i]) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#keys.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < n && this.#priorities[left] < this.#priorities[least]) least = left;
      if (right < n && this.#priorities[right] < this.#priorities[least]) least = right;
      if (least === i) return;
      this.#swap(i, least);
      i = least;
    }
  }

  #swap(a: number, b: number): void {
    const ka = this.#keys[a];
    const kb = this.#keys[b];
    this.#keys[a] = kb;
    this.#keys[b] = ka;
    const pa = this.#priorities[a];
    this.#priorities[a] = this.#priorities[b];
    this.#priorities[b] = pa;
    this.#index.set(ka, b);
    this.#index.set(kb, a);
  }
}
