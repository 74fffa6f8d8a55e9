import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidTrafficPolicyFile, loadTrafficPolicies, parseTrafficPolicyFile } from './traffic-policies';

const workspaceRoot = join(__dirname, '..', '..', '..', '..');
const policy = (spec: string) => `apiVersion: meshmart.dev/v1\nkind: TrafficPolicy\nmetadata: { name: p }\nspec:\n${spec}`;

function refusal(run: () => unknown): InvalidTrafficPolicyFile {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidTrafficPolicyFile) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

describe('infra/traffic policy files', () => {
  it("loads the repo's own scenarios: the payment canary and inventory's zones", () => {
    const policies = loadTrafficPolicies(workspaceRoot);
    expect([...policies.keys()].sort()).toEqual(['inventory-service', 'payment-service']);
    expect(policies.get('payment-service')?.spec.subsets).toEqual([
      { name: 'v1', labels: { version: '0.1.0' } },
      { name: 'v2', labels: { version: '0.2.0' } },
    ]);
    expect(policies.get('inventory-service')?.spec.trafficPolicy?.locality).toEqual({ enabled: true, overprovisioningFactor: 140 });
  });

  it('names the file and the field of a bad policy', () => {
    const error = refusal(() =>
      parseTrafficPolicyFile(
        'infra/traffic/payment-service.yaml',
        policy(
          '  host: payment-service\n  subsets: [{ name: v1, labels: { version: a } }]\n  http:\n    - route: [{ destination: { subset: v1 }, weight: 90 }, { destination: { subset: v1 }, weight: 20 }]\n',
        ),
      ),
    );
    expect(error.message).toContain('infra/traffic/payment-service.yaml');
    expect(error.problems).toEqual(['spec.http[0].route: weights must add up to 100 (they add up to 110)']);
  });

  it('refuses a subset nobody defined, naming the destination field', () => {
    const error = refusal(() => parseTrafficPolicyFile('x.yaml', policy('  host: payment-service\n  http:\n    - route: [{ destination: { subset: v9 } }]\n')));
    expect(error.problems).toEqual(['spec.http[0].route[0].destination.subset: no subset named "v9" (defined: none)']);
  });

  it('refuses a host that is no workload, and broken YAML', () => {
    expect(refusal(() => parseTrafficPolicyFile('x.yaml', policy('  host: billing\n'))).problems).toEqual([
      expect.stringMatching(/^spec\.host: "billing" is no MeshMart workload/),
    ]);
    expect(refusal(() => parseTrafficPolicyFile('x.yaml', 'spec: [')).problems[0]).toMatch(/^\(yaml\): /);
  });

  it('fails the whole load on one bad file, and wants each policy in the file named after its host', () => {
    const root = mkdtempSync(join(tmpdir(), 'traffic-'));
    mkdirSync(join(root, 'infra', 'traffic'), { recursive: true });
    writeFileSync(join(root, 'infra', 'traffic', 'payments.yaml'), policy('  host: payment-service\n'));
    const error = refusal(() => loadTrafficPolicies(root));
    expect(error.file).toBe('infra/traffic/payments.yaml');
    expect(error.problems).toEqual(['spec.host: the policy of payment-service belongs in infra/traffic/payment-service.yaml']);
  });
});
