/**
 * One stage of a chain, as an Envoy filter: does its part around `next` (the rest of the chain)
 * and may pass on a changed copy of the context, or answer without calling `next` at all.
 */
export interface Stage<Context, Result = unknown> {
  readonly name: string;
  run(context: Context, next: (context: Context) => Promise<Result>): Promise<Result>;
}

/**
 * Composes `stages`, outermost first, in front of `last`: the one place a chain's order is
 * decided, so the list reads top to bottom as a request meets the stages.
 * @example const chain = composeStages([deadline, retry], (call) => send(call)); await chain(call);
 */
export function composeStages<Context, Result>(
  stages: readonly Stage<Context, Result>[],
  last: (context: Context) => Promise<Result>,
): (context: Context) => Promise<Result> {
  return stages.reduceRight<(context: Context) => Promise<Result>>((next, stage) => (context) => stage.run(context, next), last);
}
