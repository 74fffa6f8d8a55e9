import type { StringMatch } from './traffic-policy';

/** A compiled Istio StringMatch: `undefined` (header absent) never matches. */
export type StringMatcher = (value: string | undefined) => boolean;

/**
 * Compiles one StringMatch once per policy, so a call only runs a comparison: `exact` and
 * `prefix` are plain string tests, `regex` is anchored on both ends as Envoy's RE2 full match.
 */
export function compileStringMatch(match: StringMatch): StringMatcher {
  if (match.exact !== undefined) {
    const exact = match.exact;
    return (value) => value === exact;
  }
  if (match.prefix !== undefined) {
    const prefix = match.prefix;
    return (value) => value !== undefined && value.startsWith(prefix);
  }
  const pattern = new RegExp(`^(?:${match.regex ?? ''})$`);
  return (value) => value !== undefined && pattern.test(value);
}
