import { afterEach, describe, expect, it } from 'vitest';
import { checkDeployment } from './check-deployment';
import { checkWithFault, ciEnv as env, removeFaultCopies, workspaceRoot } from './deployment-fault';

afterEach(removeFaultCopies);

describe('npm run check:deploy', () => {
  it('passes on the workspace as committed, with every tool present (as on CI)', async () => {
    const report = await checkDeployment({ root: workspaceRoot, workspaceRoot, env });
    expect(report.problems).toEqual([]);
    expect(report.checks.length).toBeGreaterThan(10);
  });

  it('fails on a Deployment port that no Service targets', async () => {
    const report = await checkWithFault('k8s/base/workloads/cart-service.yaml', (text) =>
      text.replace('              containerPort: 8081\n              protocol: TCP\n', '              containerPort: 8081\n              protocol: TCP\n            - name: debug\n              containerPort: 9229\n'),
    );
    expect(report.problems).toContain('Deployment meshmart/cart-service: container port 9229 ("debug") is targeted by no Service');
  });

  it('fails on an AuthorizationPolicy principal that names no ServiceAccount', async () => {
    const report = await checkWithFault('k8s/istio/authorization-policies.yaml', (text) => text.replace('cluster.local/ns/meshmart/sa/order-service', 'cluster.local/ns/meshmart/sa/orders'));
    expect(report.problems).toContain('AuthorizationPolicy meshmart/inventory-service: principal cluster.local/ns/meshmart/sa/orders names no ServiceAccount');
  });

  it('fails on a compose service whose environment lacks a variable the app requires', async () => {
    const report = await checkWithFault('docker-compose.yml', (text) => text.replace('  DATABASE_URL: postgres://postgres:${POSTGRES_PASSWORD:-meshmart-dev}@postgres:5432/postgres\n', ''));
    expect(report.problems).toContainEqual(expect.stringMatching(/^docker-compose\.yml: service order-service lacks DATABASE_URL, which order-service requires \(persistenceConfigSchema: /));
  });

  it('fails on an Envoy cluster that no route uses', async () => {
    const report = await checkWithFault('infra/envoy/order-service.yaml', (text) => text.replace('  clusters:\n', '  clusters:\n    - name: payment-service-canary\n      type: STRICT_DNS\n      connect_timeout: 1s\n'));
    expect(report.problems).toContain('infra/envoy/order-service.yaml: cluster "payment-service-canary" is used by no route');
  });
});
