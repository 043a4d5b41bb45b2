const DAY = 86_400_000;

/**
 * What a process has seen of the signals since it started: totals by kind, and the signals
 * created on the newest UTC day it counted. "Signals today" asks for a day: a day with no signal
 * (yet) is 0, not the count of the last day that had one.
 */
export class SignalActivity {
  private readonly totals = { signals: 0, updates: 0, outcomes: 0 };
  private day = -1;
  private onDay = 0;

  /** A signal created at `createdAt` (ms). */
  signal(createdAt: number): void {
    const day = Math.floor(createdAt / DAY);
    if (day !== this.day) {
      this.day = day;
      this.onDay = 0;
    }
    this.onDay++;
    this.totals.signals++;
  }

  update(): void {
    this.totals.updates++;
  }

  outcome(): void {
    this.totals.outcomes++;
  }

  /** Signals created on the UTC day that holds `time` (ms). */
  createdOnDayOf(time: number): number {
    return Math.floor(time / DAY) === this.day ? this.onDay : 0;
  }

  snapshot(): { signals: number; updates: number; outcomes: number } {
    return { ...this.totals };
  }
}
