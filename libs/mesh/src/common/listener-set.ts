/**
 * The listeners of one kind of event (ejections, health changes, retries), for metrics and
 * logs. Why a class: telemetry never breaks the app, so a listener that throws is skipped
 * here, once, instead of failing the pick, report or call that fired the event.
 */
export class ListenerSet<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();

  /** Adds a listener; returns its removal. */
  add(listener: (...args: Args) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(...args: Args): void {
    for (const listener of this.listeners) {
      try {
        listener(...args);
      } catch {
        // A failing exporter must not fail traffic; it reports its own errors.
      }
    }
  }
}
