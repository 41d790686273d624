// The whole run's time limit: every request and exec gets at most what is left of it.

export class DeadlineError extends Error {
  constructor(seconds: number) {
    super(`the run's deadline of ${seconds} s passed`);
    this.name = "DeadlineError";
  }
}

export class Deadline {
  private readonly end: number;

  constructor(
    readonly seconds: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.end = now() + seconds * 1000;
  }

  remainingMs(): number {
    return Math.max(0, this.end - this.now());
  }

  /** `wantedMs`, cut to what is left; throws once nothing is left. */
  budget(wantedMs: number): number {
    const left = this.remainingMs();
    if (left <= 0) throw new DeadlineError(this.seconds);
    return Math.min(wantedMs, left);
  }
}

/** Rejects with `error()` after `ms` unless the promise settles first; the timer never holds the process. */
export function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(error()), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
