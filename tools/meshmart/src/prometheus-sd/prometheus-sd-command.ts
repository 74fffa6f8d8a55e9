import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PrometheusTargetsWriter } from './prometheus-targets-writer';
import { ScrapeCertificateRenewer } from './scrape-certificate-renewer';

export const prometheusSdUsage = `usage: meshmart prometheus-sd --etcd <url>[,<url>] --out <file.json> [--prefix meshmart/] [--renew-cert <ca dir>]

  --renew-cert  also keep Prometheus's scrape certificate in <ca dir>/prometheus/ fresh (renewed at half its life)`;

/**
 * `meshmart prometheus-sd`: the local stack's bridge from the etcd registry to Prometheus's
 * file service discovery, and (with --renew-cert) the keeper of Prometheus's scrape certificate.
 * Runs until SIGTERM/SIGINT; waits for etcd if it is not up yet.
 */
export async function runPrometheusSdCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { etcd: { type: 'string' }, out: { type: 'string' }, prefix: { type: 'string' }, 'renew-cert': { type: 'string' } },
  });
  const endpoints =
    values.etcd
      ?.split(',')
      .map((url) => url.trim())
      .filter(Boolean) ?? [];
  if (endpoints.length === 0 || !values.out) {
    console.error(`meshmart prometheus-sd: --etcd and --out are required\n${prometheusSdUsage}`);
    return 2;
  }
  mkdirSync(dirname(values.out), { recursive: true });
  const log = (line: string) => console.log(`${new Date().toISOString()} prometheus-sd: ${line}`);
  const caDir = values['renew-cert'];
  const renewer = caDir ? await ScrapeCertificateRenewer.start({ caDir, log }) : undefined;
  let writer: PrometheusTargetsWriter | undefined;
  for (let attempt = 1; !writer; attempt++) {
    try {
      writer = await PrometheusTargetsWriter.start({ etcdEndpoints: endpoints, file: values.out, log, ...(values.prefix ? { prefix: values.prefix } : {}) });
    } catch (error) {
      if (attempt % 10 === 1) log(`waiting for etcd at ${endpoints.join(',')}: ${String(error)}`);
      await sleep(1_000);
    }
  }
  log(`watching ${values.prefix ?? 'meshmart/'} in etcd, writing ${values.out}`);
  const running = writer;
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  renewer?.stop();
  await running.stop();
  return 0;
}
