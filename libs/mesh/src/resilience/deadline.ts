import { DeadlineExceeded } from '../errors/mesh-error';
import { headerValue, type HttpHeaders } from './http-headers';

/**
 * The header that carries the caller's remaining budget in milliseconds. Envoy sets it on
 * every request it routes, and Istio sidecars read it, so using the same name lets a deadline
 * cross a proxy unchanged in sidecar mode.
 */
export const DEADLINE_HEADER = 'x-envoy-expected-rq-timeout-ms';

/** Longest budget a deadline may carry: the largest delay Node's timers accept (~24.8 days). */
export const MAX_DEADLINE_MS = 2_147_483_647;

const POSITIVE_INTEGER = /^\s*\d{1,10}\s*$/;

/**
 * An instant by which a call must be answered. It travels with a request (`toHeaders` /
 * `fromHeaders`) so that every hop spends what is left of the caller's budget, not a fresh one.
 *
 * @example
 * const deadline = Deadline.fromHeaders(req.headers) ?? Deadline.after(2_000);
 * await fetch(url, { headers: deadline.toHeaders(), signal: deadline.signal() });
 */
export class Deadline {
  private abortSignal: AbortSignal | undefined;

  private constructor(
    /** The instant, in milliseconds of the `now` clock (epoch milliseconds by default). */
    readonly atMs: number,
    private readonly now: () => number,
  ) {}

  /** A deadline `ms` from now; negative budgets are already expired, huge ones are capped. */
  static after(ms: number, now: () => number = () => Date.now()): Deadline {
    const budget = Number.isNaN(ms) ? 0 : Math.min(Math.max(ms, 0), MAX_DEADLINE_MS);
    return new Deadline(now() + budget, now);
  }

  /**
   * The deadline an inbound request carries, or `undefined` when it carries none or garbage
   * (not a positive whole number of milliseconds): a bad header must not fail the request,
   * the callee then applies its own default timeout. Envoy never sends 0, so 0 is garbage too.
   */
  static fromHeaders(headers: HttpHeaders, now: () => number = () => Date.now()): Deadline | undefined {
    const raw = headerValue(headers, DEADLINE_HEADER);
    if (raw === undefined || !POSITIVE_INTEGER.test(raw)) return undefined;
    const ms = Number(raw);
    if (ms < 1 || ms > MAX_DEADLINE_MS) return undefined;
    return new Deadline(now() + ms, now);
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.atMs - this.now());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** The earlier of this deadline and one `ms` from now: a hop may shorten a budget, never extend it. */
  capTo(ms: number): Deadline {
    const capped = Deadline.after(ms, this.now);
    return capped.atMs < this.atMs ? capped : this;
  }

  /**
   * Headers that hand the remaining budget to the callee. At least 1 ms is written, because
   * for some Envoy timeout headers 0 means "no timeout", the opposite of what is meant.
   */
  toHeaders(): Record<string, string> {
    return { [DEADLINE_HEADER]: String(Math.max(1, Math.floor(this.remainingMs()))) };
  }

  /**
   * A signal that aborts (with `DeadlineExceeded` as reason) when the deadline passes, for
   * `fetch`, sockets and anything else that accepts one. Created once, on first use; its timer
   * is unref'd so an abandoned deadline never keeps the process alive.
   */
  signal(): AbortSignal {
    if (this.abortSignal) return this.abortSignal;
    const reason = new DeadlineExceeded('deadline passed');
    const remaining = this.remainingMs();
    if (remaining <= 0) {
      this.abortSignal = AbortSignal.abort(reason);
    } else {
      const controller = new AbortController();
      setTimeout(() => controller.abort(reason), remaining).unref();
      this.abortSignal = controller.signal;
    }
    return this.abortSignal;
  }
}
