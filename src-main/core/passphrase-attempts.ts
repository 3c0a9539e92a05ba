// Every place that checks a passphrase (unlock, choose, change, export) judges one attempt at a
// time, each with its own passphrase, and makes wrong guesses slow: after the n-th wrong attempt
// in a row the next one waits min(2^(n-1), 30) seconds before it is judged. scrypt already costs
// ~0.3 s a guess; this keeps a caller with the API token from turning that into a fast search.
// In memory only: a restart starts over, and a restart is itself slow and visible.

export const MAX_DELAY_MS = 30_000;

export function delayAfter(failures: number): number {
  return failures === 0 ? 0 : Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - 1));
}

export class PassphraseAttempts {
  #turn: Promise<unknown> = Promise.resolve();
  #failures = 0;
  #notBefore = 0;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;

  constructor(opts: { sleep?: (ms: number) => Promise<void>; now?: () => number } = {}) {
    this.#sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Runs `attempt` after every earlier one has finished and after any delay wrong ones earned.
   * `wrong(e)`: the attempt failed because the passphrase was wrong (anything else is not a guess).
   */
  judge<T>(attempt: () => Promise<T>, wrong: (e: unknown) => boolean): Promise<T> {
    const run = async (): Promise<T> => {
      const wait = this.#notBefore - this.#now();
      if (wait > 0) await this.#sleep(wait);
      try {
        const result = await attempt();
        this.#failures = 0;
        return result;
      } catch (e) {
        if (wrong(e)) this.#notBefore = this.#now() + delayAfter(++this.#failures);
        throw e;
      }
    };
    const result = this.#turn.then(run, run);
    this.#turn = result.catch(() => {});
    return result;
  }
}
