import { availableParallelism } from "node:os";

/** Thrown for work that never started because the deployment was cancelled first. */
export class StepsCancelled extends Error {
  constructor() {
    super("the deployment was cancelled before this step started");
    this.name = "StepsCancelled";
  }
}

/**
 * The CLI's default `--parallel` (pkg/cmd/pulumi/operations/up.go `defaultParallel`):
 * PULUMI_PARALLEL when it is a positive number, otherwise four per CPU (`4 * GOMAXPROCS`).
 */
export function defaultParallel(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number.parseInt(env.PULUMI_PARALLEL ?? "", 10);
  return configured > 0 ? configured : 4 * availableParallelism();
}

/**
 * The step executor's worker pool (step_executor.go): at most `parallel` chains run at once, each
 * a list of steps run one after another. Once cancelled (a step failed, or the user cancelled),
 * no chain or step starts any more; those already running finish, and {@link drain} waits for
 * them (`WaitForCompletion`).
 */
export class StepExecutor {
  private active = 0;
  private readonly waiting: ((granted: boolean) => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly parallel: number) {}

  /** Whether new work is refused. */
  get cancelled(): boolean {
    return this.stopped;
  }

  /**
   * Runs `chain` on a worker once one is free. The chain calls `step` before each of its steps:
   * it throws {@link StepsCancelled} once the executor is cancelled, ending the chain there.
   */
  run<T>(chain: (step: () => void) => Promise<T>): Promise<T> {
    const work = this.acquire().then(async () => {
      try {
        return await chain(() => {
          if (this.stopped) throw new StepsCancelled();
        });
      } finally {
        this.release();
      }
    });
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Refuses new chains and steps; chains waiting for a worker are rejected. */
  cancel(): void {
    this.stopped = true;
    for (const wake of this.waiting.splice(0)) wake(false);
  }

  /** Resolves once every chain that was started has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private async acquire(): Promise<void> {
    if (this.stopped) throw new StepsCancelled();
    if (this.active < Math.max(1, this.parallel)) {
      this.active += 1;
      return;
    }
    // A finishing chain hands its worker straight to the next waiting one.
    const granted = await new Promise<boolean>((wake) => this.waiting.push(wake));
    if (!granted) throw new StepsCancelled();
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.active -= 1;
  }
}

/**
 * The step generator's single goroutine: Check and Diff calls (and everything else that decides
 * steps) run one at a time, in the order registrations arrive, while chains run on the workers.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after everything queued before it has settled. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
