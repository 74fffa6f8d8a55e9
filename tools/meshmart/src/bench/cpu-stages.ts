import { Session } from 'node:inspector/promises';

/** A V8 CPU profile, as `--cpu-prof` writes it and the inspector's `Profiler.stop` returns it. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a mesh call's CPU goes, in the words of the request's path through a process. */
export const STAGES = [
  'TLS',
  'transport',
  'framework',
  'authorization',
  'balancing',
  'resilience',
  'telemetry',
  'mesh glue',
  'runtime',
  'load generator',
] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The first frame from the top of the stack that matches decides the stage, so library code
 * running below the mesh's own (undici under the client, Fastify under the hooks) counts as
 * the library's. Native socket reads and writes are TLS: in the meshed call every socket is an
 * mTLS one, and the record encryption runs inside them.
 */
const RULES: readonly (readonly [Stage, RegExp])[] = [
  ['authorization', /libs\/mesh\/src\/authz\//],
  ['balancing', /libs\/mesh\/src\/(balancing|discovery)\//],
  ['resilience', /libs\/mesh\/src\/resilience\/|\/cockatiel\//],
  ['telemetry', /libs\/mesh\/src\/telemetry\/|\/@opentelemetry\/|\/prom-client\/|\/pino\//],
  ['TLS', /^node:(_tls_wrap|_tls_common|tls)$|^node:internal\/tls\//],
  ['transport', /\/undici\/|^node:(_http_\w+|http|https|net|events|internal\/(streams|http|net|stream_base_commons|deps\/undici)\b)/],
  ['framework', /\/@nestjs\/|\/fastify\/|\/find-my-way\/|\/avvio\/|\/@fastify\/|\/light-my-request\/|\/rxjs\//],
  ['mesh glue', /libs\/mesh\/src\//],
];
const NATIVE_SOCKET_IO = /^(write\w*String|writeBuffer|writev|onStreamRead|readStop|readStart|TLSWrap|\w*[Hh]andshake\w*|encIn|clearIn)$/;
/** The bench's own loop: only time spent in its code itself, not in what it calls or awaits. */
const LOAD_GENERATOR = /tools\/meshmart\/src\/bench\//;
/** Module loading and compilation: start-up, not the calls being measured. */
const START_UP = /^node:internal\/modules\/|\/@swc\/|\/@swc-node\//;
const START_UP_FUNCTIONS = /^(wrapSafe|compileFunction|compileSourceTextModule)$/;
const NOT_WORK = new Set(['(idle)', '(root)']);

/**
 * Splits a profile's busy time into stages: each sample's share of the total, start-up and idle
 * left out. A sampled attribution: read it as proportions, and scale it by a measured CPU time.
 */
export function stageShares(profile: CpuProfile): Record<Stage, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const stageOfNode = new Map<number, Stage | null>();
  const time = Object.fromEntries(STAGES.map((stage) => [stage, 0])) as Record<Stage, number>;
  let total = 0;
  profile.samples.forEach((id, index) => {
    let stage = stageOfNode.get(id);
    if (stage === undefined) {
      stage = classify(id, byId, parentOf);
      stageOfNode.set(id, stage);
    }
    if (stage === null) return;
    const delta = profile.timeDeltas[index] ?? 0;
    time[stage] += delta;
    total += delta;
  });
  for (const stage of STAGES) time[stage] = total > 0 ? time[stage] / total : 0;
  return time;
}

function classify(leaf: number, byId: Map<number, CpuProfile['nodes'][number]>, parentOf: Map<number, number>): Stage | null {
  const leafFrame = byId.get(leaf)?.callFrame;
  if (!leafFrame || NOT_WORK.has(leafFrame.functionName)) return null;
  let decided: Stage | undefined = leafFrame.url === '' && NATIVE_SOCKET_IO.test(leafFrame.functionName) ? 'TLS' : undefined;
  if (LOAD_GENERATOR.test(leafFrame.url)) decided = 'load generator';
  for (let id: number | undefined = leaf; id !== undefined; id = parentOf.get(id)) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) break;
    if (START_UP.test(frame.url) || START_UP_FUNCTIONS.test(frame.functionName)) return null;
    if (!decided) decided = RULES.find(([, pattern]) => pattern.test(frame.url))?.[0];
  }
  return decided ?? 'runtime';
}

/** Runs `work` under this process's own CPU profiler (the inspector's), sampling every 100 µs. */
export async function profileWhile<T>(work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile: profile as unknown as CpuProfile };
  } finally {
    session.disconnect();
  }
}
