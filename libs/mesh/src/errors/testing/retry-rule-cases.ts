import { IdentityRejected, UpstreamConnectFailure } from '../mesh-error';

/**
 * Failures of every kind the one retry rule (`classifyFailure`) sorts, with its verdict: the
 * cases each retry loop's spec (the mesh's, the consumers', the saga's) runs through its loop,
 * so all of them are held to the same rule.
 */
export const retryRuleCases: readonly [label: string, error: () => unknown, retried: boolean][] = [
  ['an error marked retryable', () => Object.assign(new Error('busy'), { retryable: true }), true],
  ['a mesh error that is transient', () => new UpstreamConnectFailure('reset'), true],
  ['a refused socket (recognised infrastructure outage)', () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:8083'), { code: 'ECONNREFUSED' }), true],
  ['an error marked not retryable', () => Object.assign(new Error('no such product'), { retryable: false }), false],
  ['a mesh error that is not transient', () => new IdentityRejected('wrong peer'), false],
  // The one default: no loop retries what nobody marked or recognised.
  ['an unmarked, unrecognised error', () => new Error('something'), false],
  ['a bug', () => new TypeError("Cannot read properties of undefined (reading 'id')"), false],
];
