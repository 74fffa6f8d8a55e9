import type { StackSettings } from './settings';

export type ComponentState = 'running' | 'stopped' | 'external';

export interface ComponentStatus {
  name: string;
  state: ComponentState;
  endpoint: string;
  pid?: number;
  /** Set by `up`: true when the component was already running and nothing was started. */
  alreadyRunning?: boolean;
}

/** One real piece of infrastructure the local stack runs: start it, stop it, say how it is. */
export interface StackComponent {
  readonly name: string;
  /** Idempotent: a running, ready component is left as it is. Resolves once truly ready. */
  up(): Promise<ComponentStatus>;
  /** Stops what this stack started; leaves nothing running, and never touches external servers. */
  down(): Promise<void>;
  status(): Promise<ComponentStatus>;
}

export interface ComponentContext {
  settings: StackSettings;
  /** One progress line for long work (downloads, first-time formatting). */
  progress(line: string): void;
}
