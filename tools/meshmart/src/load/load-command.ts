import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Product } from '@meshmart/contracts';
import { alive, readDemoServices } from '../demo/demo-state';
import { GatewayClient } from './gateway-client';
import { journeyOf, type JourneyContext } from './journeys';
import { runClosedLoop, runOpenLoop } from './load-loop';
import { isLoopbackHost, type LoadFlags, type LoadOptions, LoadUsageError, localGateway, parseLoadOptions } from './load-options';
import { LoadRecorder, type LoadSummary } from './load-recorder';
import { progressLine, summaryTable } from './load-report';
import { shopperTokenSigner } from './shopper-tokens';

export const loadUsage = `usage: meshmart load [options]   drive the public API with simulated shoppers

  --url URL             the gateway (default: the running demo's, else ${localGateway})
  --scenario NAME       browse | cart | checkout | mix (default mix: 60 % browse, 25 % cart, 15 % checkout)
  --shoppers N          closed loop: N shoppers, each starting a journey when the last ends (default 4)
  --rate R              open loop: R journeys per second, whatever the answers do
  --duration S          stop after S seconds (default 30)
  --count N             stop after N journeys, if sooner
  --declined F          share of checkouts paid with a declined card (default 0.1)
  --timeouts F          share of checkouts whose payment provider never answers (default 0)
  --max-error-rate F    exit 1 when errors / requests exceeds F (default 0.01)
  --jwt-secret S | --jwt-key FILE   HS256 secret, or an RS256/ES256 PEM private key (default: the demo's key)
  --jwt-issuer I, --jwt-audience A  claims the gateway expects (default meshmart-demo, meshmart)
  --json                the summary as JSON on stdout (progress stays on stderr)
  --allow-remote        allow a target that is not this machine`;

/** What a running demo leaves in the state folder for other commands: its gateway's URL (kept current across restarts) and its JWT key. */
export function demoDefaults(stateDir: string): { url?: string; jwtSecret?: string } {
  const gateway = readDemoServices(stateDir)?.services.find((service) => service.name.startsWith('gateway') && alive(service.pid));
  const keyFile = join(stateDir, 'demo-jwt-secret');
  const jwtSecret = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined;
  return { ...(gateway ? { url: gateway.url } : {}), ...(jwtSecret ? { jwtSecret } : {}) };
}

/**
 * `meshmart load`: checks the target answers and takes the key's tokens, then runs the load
 * with a progress line on stderr each second, and prints the summary. Exit 0, 1 when the error
 * rate is above `--max-error-rate`, 2 for bad options or an unusable target (one line saying why).
 */
export async function runLoadCommand(argv: readonly string[], stateDir: string): Promise<number> {
  let options: LoadOptions;
  let ctx: JourneyContext;
  const recorder = new LoadRecorder();
  try {
    const flags = loadFlags(argv);
    if (flags['help'] === true) {
      console.log(loadUsage);
      return 0;
    }
    const defaults = demoDefaults(stateDir);
    options = parseLoadOptions({
      ...flags,
      url: flags['url'] ?? defaults.url ?? localGateway,
      'jwt-secret': flags['jwt-secret'] ?? (flags['jwt-key'] === undefined ? defaults.jwtSecret : undefined),
    });
    if (!options.allowRemote && !isLoopbackHost(new URL(options.url).hostname)) {
      throw new LoadUsageError(`${options.url} is not this machine: give --allow-remote to send load there`);
    }
    ctx = await preflight(options, recorder);
  } catch (error) {
    if (!(error instanceof LoadUsageError)) throw error;
    console.error(`meshmart load: ${error.message}`);
    return 2;
  }

  const shape = `${options.scenario}, ${options.loop.kind === 'closed' ? `${options.loop.shoppers} shoppers (closed loop)` : `${options.loop.ratePerSecond}/s (open loop)`}`;
  console.error(`meshmart load: ${shape} against ${options.url} for ${options.durationMs / 1000}s${options.count ? ` or ${options.count} journeys` : ''}`);
  const started = performance.now();
  const ticker = setInterval(() => {
    const line = progressLine(performance.now() - started, recorder.takeWindow(), recorder.journeyCount, recorder.errorStatuses());
    process.stderr.write(process.stderr.isTTY ? `\r${line}\u001b[K` : `${line}\n`);
  }, 1000);
  const run = `load-${randomBytes(3).toString('hex')}`;
  const journey = journeyOf(options.scenario);
  // Ctrl-C or SIGTERM ends the run early and still prints what it measured.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const bounds = { durationMs: options.durationMs, count: options.count, signal: stop.signal };
  try {
    if (options.loop.kind === 'closed') await runClosedLoop(options.loop.shoppers, bounds, recorder, (i) => journey(ctx, `${run}-${i}`));
    else await runOpenLoop(options.loop.ratePerSecond, bounds, recorder, (i) => journey(ctx, `${run}-${i}`));
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    clearInterval(ticker);
    if (process.stderr.isTTY) process.stderr.write('\n');
  }

  const summary: LoadSummary = recorder.summary(options.loop.kind === 'open');
  console.log(
    options.json ? JSON.stringify({ target: options.url, scenario: options.scenario, loop: options.loop, ...summary }, null, 2) : summaryTable(summary, shape),
  );
  if (summary.errorRate > options.maxErrorRate) {
    console.error(`meshmart load: error rate ${(summary.errorRate * 100).toFixed(2)} % is above --max-error-rate ${(options.maxErrorRate * 100).toFixed(2)} %`);
    return 1;
  }
  return 0;
}

const stringFlags = [
  'url',
  'scenario',
  'shoppers',
  'rate',
  'duration',
  'count',
  'declined',
  'timeouts',
  'max-error-rate',
  'jwt-secret',
  'jwt-key',
  'jwt-issuer',
  'jwt-audience',
] as const;

/** The flags, strictly: an unknown flag or a stray argument is a usage error, not something ignored. */
function loadFlags(argv: readonly string[]): LoadFlags {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(stringFlags.map((flag) => [flag, { type: 'string' as const }])),
        json: { type: 'boolean' },
        'allow-remote': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
    return values as LoadFlags;
  } catch (error) {
    // Node's own message, cut to its first sentence (later ones explain positionals, which this command has none of).
    throw new LoadUsageError(`${(error as Error).message.split(/\.\s|\n/)[0] ?? 'bad arguments'} (meshmart load --help)`);
  }
}

/** The target must answer as MeshMart's gateway, have a catalogue, and take the key's tokens; otherwise a `LoadUsageError` says which. */
async function preflight(options: LoadOptions, recorder: LoadRecorder): Promise<JourneyContext> {
  const signer = shopperTokenSigner(options.jwt);
  let products: Product[];
  try {
    const response = await fetch(`${options.url}/products`, { signal: AbortSignal.timeout(5_000) });
    if (response.status !== 200) throw new LoadUsageError(`GET ${options.url}/products answered ${response.status}: is this MeshMart's gateway?`);
    products = (await response.json()) as Product[];
  } catch (error) {
    if (error instanceof LoadUsageError) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new LoadUsageError(`cannot reach ${options.url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  if (!Array.isArray(products) || products.length === 0)
    throw new LoadUsageError(`the catalogue at ${options.url} is empty: seed it first (npm run demo does)`);
  const probe = await fetch(`${options.url}/cart`, {
    headers: { authorization: `Bearer ${await signer.sign(`load-probe-${randomBytes(3).toString('hex')}`)}` },
    signal: AbortSignal.timeout(5_000),
  });
  if (probe.status === 401) {
    throw new LoadUsageError(
      `the gateway refused a token signed with ${options.jwt.keyFile ? `--jwt-key (${signer.alg})` : '--jwt-secret (HS256)'}: check the key, --jwt-issuer ${options.jwt.issuer} and --jwt-audience ${options.jwt.audience}`,
    );
  }
  return {
    api: new GatewayClient(options.url, recorder),
    recorder,
    skus: products.map((product) => product.sku),
    token: (userId) => signer.sign(userId),
    declinedShare: options.declinedShare,
    timeoutShare: options.timeoutShare,
    random: Math.random,
  };
}
