/** Bounded concurrency: at most `max` tasks at once, the rest wait in arrival order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!(Number.isInteger(max) && max >= 1)) throw new RangeError(`concurrency must be a whole number >= 1, got ${max}`);
  }

  /** Runs `task` when a slot is free; the slot is released however the task ends. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays the same.
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Runs `task` over `items` with at most `max` at once and waits for all of them; a task that
 * throws does not stop the others (its error is returned in its slot of the result).
 */
export async function settleAll<T, R>(items: readonly T[], max: number, task: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const limiter = new Limiter(Math.max(1, Math.min(max, items.length || 1)));
  return Promise.allSettled(items.map((item, i) => limiter.run(() => task(item, i))));
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
