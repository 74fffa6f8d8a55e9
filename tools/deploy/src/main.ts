import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findWorkspaceRoot } from '@meshmart/platform';
import { buildApp } from './build/build-app';
import { checkDeployment } from './checks/check-deployment';
import { generatedFiles } from './generate';
import { runComposeShopper } from './shopper/compose-shopper';

const usage = `usage: meshmart-deploy <command>

  generate      write the generated deployment files (Envoy configs, Kubernetes and Istio manifests, monitoring ConfigMaps)
  check         validate docker-compose.yml, infra/envoy and k8s with real tools and schemas, and cross-check them
  shop          the demo's shopper against a running compose deployment (the compose shopper job)
  build <app>   compile an app and the libs it uses into dist/apps/<app> (what the Dockerfile runs)`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, argument] = argv;
  const root = findWorkspaceRoot(__dirname);
  if (command === 'generate') {
    for (const file of await generatedFiles(root)) {
      mkdirSync(dirname(join(root, file.path)), { recursive: true });
      writeFileSync(join(root, file.path), file.content);
      console.log(`wrote ${file.path}`);
    }
    return 0;
  }
  if (command === 'check') {
    const report = await checkDeployment({ root, workspaceRoot: root, log: (line) => console.log(line) });
    for (const problem of report.problems) console.error(`✗ ${problem}`);
    console.log(report.problems.length === 0 ? `check:deploy: ${report.checks.length} checks passed` : `check:deploy: ${report.problems.length} problem(s)`);
    return report.problems.length === 0 ? 0 : 1;
  }
  if (command === 'shop') return runComposeShopper(argv.slice(1), process.env);
  if (command === 'build' && argument) {
    const out = await buildApp(root, argument);
    console.log(`built ${argument} into ${out}`);
    return 0;
  }
  console.error(usage);
  return command === undefined || command === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`meshmart-deploy: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
