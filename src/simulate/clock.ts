/** A scheduled change of the simulated world. */
interface ScheduledEvent {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/**
 * Virtual time in milliseconds. Nothing sleeps: time moves only when the interpreter
 * advances it, and events (an instance reaching `stopped`, an Auto Scaling health check)
 * fire in time order, ties broken by scheduling order so runs are deterministic.
 */
export class VirtualClock {
  private current = 0;
  private seq = 0;
  private readonly queue: ScheduledEvent[] = [];

  constructor(readonly epochMs: number = Date.UTC(2025, 0, 1)) {}

  /** Milliseconds since the simulation started. */
  get now(): number {
    return this.current;
  }

  /** Wall-clock-looking timestamp for API responses. */
  date(): Date {
    return new Date(this.epochMs + this.current);
  }

  /** Runs `run` when the clock reaches `now + delayMs`. */
  schedule(delayMs: number, run: () => void): void {
    const event = { at: this.current + Math.max(0, delayMs), seq: this.seq++, run };
    // Binary insertion keeps the queue sorted by (at, seq).
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.queue[mid];
      if (e.at < event.at || (e.at === event.at && e.seq < event.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, event);
  }

  /** Time of the next scheduled event, or undefined when nothing is pending. */
  nextEventAt(): number | undefined {
    return this.queue[0]?.at;
  }

  /** Moves time forward to `t`, firing every event due on the way. */
  advanceTo(t: number): void {
    while (this.queue.length > 0 && this.queue[0].at <= t) {
      const event = this.queue.shift() as ScheduledEvent;
      this.current = Math.max(this.current, event.at);
      event.run();
    }
    this.current = Math.max(this.current, t);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }
}
