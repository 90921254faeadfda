/**
 * Keeps a crash loop from spinning: after `crashes` crashes within `windowMs`, no new runtime
 * process starts until the oldest of them leaves the window, or until the user starts over
 * (a settings change or a window reload makes a fresh client).
 */
export interface CrashLimit {
  crashes: number;
  windowMs: number;
}

export const DEFAULT_CRASH_LIMIT: CrashLimit = { crashes: 5, windowMs: 60_000 };

export class RestartThrottle {
  private times: number[] = [];

  constructor(
    private readonly limit: CrashLimit = DEFAULT_CRASH_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  recordCrash(): void {
    this.times.push(this.now());
    this.forgetOld();
  }

  /** Milliseconds until a process may start again; 0 when it may start now. */
  waitMs(): number {
    this.forgetOld();
    if (this.times.length < this.limit.crashes) return 0;
    return this.times[this.times.length - this.limit.crashes] + this.limit.windowMs - this.now();
  }

  /** Crashes within the window. */
  get recent(): number {
    this.forgetOld();
    return this.times.length;
  }

  reset(): void {
    this.times = [];
  }

  private forgetOld(): void {
    const since = this.now() - this.limit.windowMs;
    this.times = this.times.filter((t) => t > since);
  }

  describe(): string {
    return `${this.limit.crashes} times within ${Math.round(this.limit.windowMs / 1000)} s`;
  }
}
