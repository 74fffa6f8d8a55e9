import { describe, expect, it } from 'vitest';
import { type CpuProfile, stageShares } from './cpu-stages';

/** A profile from stacks written root first, each sampled for `micros`. */
function profileOf(stacks: { frames: [string, string][]; micros: number }[]): CpuProfile {
  const nodes: CpuProfile['nodes'] = [{ id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] }];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  for (const { frames, micros } of stacks) {
    let parent = nodes[0] as CpuProfile['nodes'][number];
    for (const [functionName, url] of frames) {
      const node = { id: nodes.length + 1, callFrame: { functionName, url }, children: [] as number[] };
      nodes.push(node);
      parent.children?.push(node.id);
      parent = node;
    }
    samples.push(parent.id);
    timeDeltas.push(micros);
  }
  return { nodes, samples, timeDeltas };
}

const bench = 'file:///w/tools/meshmart/src/bench/mesh-bench.ts';
const client = 'file:///w/libs/mesh/src/client/upstream-client.ts';

describe('stageShares', () => {
  it('gives each sample the stage of the first matching frame from the top, and leaves idle time and start-up out', () => {
    const shares = stageShares(
      profileOf([
        // undici below the mesh client is transport, not the mesh's glue
        {
          frames: [
            ['call', bench],
            ['attempt', client],
            ['request', 'file:///w/node_modules/undici/lib/dispatcher/pool.js'],
          ],
          micros: 40,
        },
        // a native write on a socket is TLS (every socket of a meshed call is mTLS)
        {
          frames: [
            ['attempt', client],
            ['writeGeneric', 'node:internal/stream_base_commons'],
            ['writeLatin1String', ''],
          ],
          micros: 20,
        },
        {
          frames: [
            ['execute', client],
            ['execute', 'file:///w/node_modules/cockatiel/dist/RetryPolicy.js'],
          ],
          micros: 10,
        },
        {
          frames: [
            ['attempt', client],
            ['record', 'file:///w/libs/mesh/src/telemetry/istio-metrics.ts'],
          ],
          micros: 10,
        },
        // the bench's own loop counts as load only where it runs itself, not where it awaits
        { frames: [['runLoad', 'file:///w/tools/meshmart/src/bench/load.ts']], micros: 10 },
        {
          frames: [
            ['runLoad', 'file:///w/tools/meshmart/src/bench/load.ts'],
            ['runMicrotasks', ''],
          ],
          micros: 10,
        },
        { frames: [['(idle)', '']], micros: 500 },
        {
          frames: [
            ['require', 'node:internal/modules/cjs/loader'],
            ['compile', client],
          ],
          micros: 300,
        },
      ]),
    );
    expect(shares.transport).toBeCloseTo(0.4);
    expect(shares.TLS).toBeCloseTo(0.2);
    expect(shares.resilience).toBeCloseTo(0.1);
    expect(shares.telemetry).toBeCloseTo(0.1);
    expect(shares['load generator']).toBeCloseTo(0.1);
    expect(shares.runtime).toBeCloseTo(0.1);
    expect(shares['mesh glue']).toBe(0);
  });

  it('answers zero shares for a profile with no busy samples', () => {
    expect(Object.values(stageShares(profileOf([{ frames: [['(idle)', '']], micros: 100 }]))).every((share) => share === 0)).toBe(true);
  });
});
