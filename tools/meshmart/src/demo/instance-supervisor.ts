import { JitteredBackoff } from '@meshmart/mesh';
import type { AppProcess } from '@meshmart/platform';

/** One supervised slot (`order-service-1`) and the process that fills it now. */
export interface SupervisedInstance {
  /** The slot's name: workload and index, the same across restarts. */
  slot: string;
  app: AppProcess;
  /** Restarts so far. */
  restarts: number;
  /** How the last process in this slot ended, e.g. `exited with code 1` or `killed by SIGKILL`. */
  lastExit?: string;
  /** When it last ended (ISO), if it did. */
  lastExitAt?: string;
}

export interface InstanceSupervisorOptions {
  /** Starts a new process for a slot whose process ended. */
  restart: (slot: string, previous: AppProcess) => Promise<AppProcess>;
  log: (line: string) => void;
  /** Told after every change (an exit, a restart), e.g. to write the status file. */
  onChange?: (instances: readonly SupervisedInstance[]) => void;
  /** Back-off between restarts of one slot. Default 500 ms growing to 30 s, jittered. */
  backoff?: { initialMs: number; maxMs: number };
  /** A process that ran this long before it ended starts its slot's back-off afresh. Default 30 s. */
  stableAfterMs?: number;
  /** Tests pass a fake timer. */
  sleep?: (ms: number) => Promise<void>;
}

interface Slot extends SupervisedInstance {
  startedAt: number;
  delays: JitteredBackoff;
}

/**
 * Keeps the demo's instances running, as a process manager would: when one ends without being
 * asked to, it says so (`order-service-1 exited (code 1); restarting in 1.2s (restart #1)`),
 * waits a jittered back-off that grows while the slot keeps crashing (so a service that cannot
 * start does not spin), and starts a new process in the same slot. A restart that fails to
 * start counts as another crash. `stop` ends supervision before the instances are stopped.
 */
export class InstanceSupervisor {
  private readonly slots = new Map<string, Slot>();
  private stopped = false;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: InstanceSupervisorOptions) {}

  /** Supervises `app` as the process of `slot`. */
  watch(slot: string, app: AppProcess): void {
    const backoff = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const existing = this.slots.get(slot);
    const entry: Slot = existing ?? { slot, app, restarts: 0, startedAt: Date.now(), delays: new JitteredBackoff(backoff) };
    entry.app = app;
    entry.startedAt = Date.now();
    this.slots.set(slot, entry);
    this.follow(entry, app);
    this.changed();
  }

  list(): SupervisedInstance[] {
    return [...this.slots.values()].map(({ slot, app, restarts, lastExit, lastExitAt }) => ({
      slot,
      app,
      restarts,
      ...(lastExit ? { lastExit, lastExitAt } : {}),
    }));
  }

  /** No more restarts; waits for a restart in progress to finish (its process is then stopped by the caller). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.pending]);
  }

  private follow(entry: Slot, app: AppProcess): void {
    const ended = (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.stopped || entry.app !== app) return;
      const task = this.restartAfterExit(
        entry,
        code === null ? `killed by ${signal ?? 'a signal'}` : `exited with code ${code}`,
        code === null ? `signal ${signal ?? '?'}` : `code ${code}`,
      );
      this.pending.add(task);
      void task.finally(() => this.pending.delete(task));
    };
    if (app.process.exitCode !== null || app.process.signalCode !== null) ended(app.process.exitCode, app.process.signalCode);
    else app.process.once('exit', ended);
  }

  private async restartAfterExit(entry: Slot, how: string, exit: string): Promise<void> {
    const { log, restart } = this.options;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const stableAfterMs = this.options.stableAfterMs ?? 30_000;
    if (Date.now() - entry.startedAt >= stableAfterMs) entry.delays.reset();
    entry.lastExit = how;
    entry.lastExitAt = new Date().toISOString();
    let verb = 'exited';
    let short = exit;
    for (;;) {
      entry.restarts += 1;
      const delayMs = entry.delays.next();
      log(`${entry.slot} ${verb} (${short}); restarting in ${(delayMs / 1000).toFixed(1)}s (restart #${entry.restarts})`);
      this.changed();
      await sleep(delayMs);
      if (this.stopped) return;
      try {
        const app = await restart(entry.slot, entry.app);
        if (this.stopped) {
          await app.stop();
          return;
        }
        log(`${entry.slot} restarted: ${app.url} as ${app.instanceId}`);
        entry.app = app;
        entry.startedAt = Date.now();
        this.follow(entry, app);
        this.changed();
        return;
      } catch (error) {
        verb = 'did not start';
        short = firstLine(error);
        entry.lastExit = `did not start: ${short}`;
        entry.lastExitAt = new Date().toISOString();
      }
    }
  }

  private changed(): void {
    this.options.onChange?.(this.list());
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
