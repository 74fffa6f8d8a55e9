import { issueWorkloadCertificate, readMeshCa, readWorkloadCertificate, writeWorkloadCertificate } from '@meshmart/mesh/tools';

/** Longest delay Node's timers accept (~24.8 days); a later renewal is re-planned when it fires. */
const MAX_TIMER_MS = 2_147_483_647;
const HOUR_MS = 3_600_000;

export interface ScrapeCertificateRenewerOptions {
  /** The stack's mesh CA folder (`ca.crt`, `ca.key`, `<service>/tls.{crt,key}`). */
  caDir: string;
  /** Workload whose certificate is kept fresh; default `prometheus`. */
  service?: string;
  /** Namespace part of its SPIFFE ID; default `meshmart`. */
  namespace?: string;
  /** Lifetime of each certificate issued; default 24 h, as `meshmart certs`. */
  ttlHours?: number;
  /** Wait before looking again when there is no certificate yet or renewing failed; default 30 s. */
  retryMs?: number;
  log: (line: string) => void;
}

/**
 * When to renew a certificate that is valid until `notAfter` and was issued for `ttlMs`: at
 * half its life, as Istio's agent and SPIRE do, so a renewal that fails has the other half to
 * be retried before anything stops working. Zero when that moment has passed.
 */
export function renewalDelayMs(notAfter: Date, ttlMs: number, now = Date.now()): number {
  return Math.min(Math.max(0, notAfter.getTime() - ttlMs / 2 - now), MAX_TIMER_MS);
}

/**
 * Keeps one workload certificate of the local stack fresh: Prometheus's scrape certificate,
 * which `stack up` issues for 24 h. Without it a stack left running longer would stop scraping
 * every instance (their servers refuse the expired certificate). Prometheus re-reads the files
 * for new connections, so nothing needs a restart.
 */
export class ScrapeCertificateRenewer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly service: string;
  private readonly ttlMs: number;

  private constructor(private readonly options: ScrapeCertificateRenewerOptions) {
    this.service = options.service ?? 'prometheus';
    this.ttlMs = (options.ttlHours ?? 24) * HOUR_MS;
  }

  /** Looks at the certificate now, renews it if it is past half its life, and plans the next look. */
  static async start(options: ScrapeCertificateRenewerOptions): Promise<ScrapeCertificateRenewer> {
    const renewer = new ScrapeCertificateRenewer(options);
    await renewer.check();
    return renewer;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async check(): Promise<void> {
    if (this.stopped) return;
    const { caDir, log, retryMs = 30_000 } = this.options;
    try {
      // `stack up` issues the first certificate (and the CA); this only renews what it finds.
      const current = await readWorkloadCertificate(caDir, this.service, { attempts: 3 }).catch(() => undefined);
      if (!current) {
        log(`no ${this.service} certificate in ${caDir} yet; looking again in ${retryMs / 1000}s`);
        return this.plan(retryMs);
      }
      const delay = renewalDelayMs(current.notAfter, this.ttlMs);
      if (delay > 0) return this.plan(delay);
      const ca = await readMeshCa(caDir);
      if (!ca) throw new Error(`no mesh CA in ${caDir}`);
      const certificate = await issueWorkloadCertificate(ca, {
        namespace: this.options.namespace ?? 'meshmart',
        service: this.service,
        ttlHours: this.ttlMs / HOUR_MS,
      });
      await writeWorkloadCertificate(caDir, this.service, certificate);
      log(`renewed ${certificate.spiffeId}, valid until ${certificate.notAfter.toISOString()}`);
      this.plan(renewalDelayMs(certificate.notAfter, this.ttlMs));
    } catch (error) {
      log(`could not renew the ${this.service} certificate: ${error instanceof Error ? error.message : String(error)}; retrying in ${retryMs / 1000}s`);
      this.plan(retryMs);
    }
  }

  private plan(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.check(), delayMs);
  }
}
