// Public API of @meshmart/testing: what tests need beyond the platform (@meshmart/platform) —
// a stack to run against (the running local one, else containers where Docker exists, else a
// failure that says how to start one), and waiting for a condition.
export { dockerAvailable, startContainerStack } from './containers';
export type { ContainerStack } from './containers';
export { releaseStack, StackUnavailable, useStack } from './stack';
export { eventually } from './eventually';
