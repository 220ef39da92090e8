/** The two concurrency tools the scheduler needs: a counting semaphore and "abort when any of these aborts". */
import { setMaxListeners } from "node:events";

export function anySignal(signals: AbortSignal[]): AbortSignal {
  const c = new AbortController();
  setMaxListeners(0, c.signal);
  for (const s of signals) {
    if (s.aborted) c.abort();
    else s.addEventListener("abort", () => c.abort(), { once: true });
  }
  return c.signal;
}

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    // a released slot is handed to the next waiter directly, so a newcomer cannot overtake it
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((go) => this.waiting.push(go));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
