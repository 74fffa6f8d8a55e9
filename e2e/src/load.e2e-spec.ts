import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/platform';
import { type PlatformContext, startPlatformContext } from './platform-context';

/** The summary `meshmart load --json` prints. */
interface LoadJson {
  journeys: number;
  requests: number;
  errors: number;
  byStatus: Record<string, number>;
  operations: Record<string, { requests: number; errors: number }>;
  checkoutOutcomes: Record<string, number>;
  settle: { p50Ms: number; p99Ms: number };
  startLag?: { p50Ms: number; p99Ms: number };
}

const root = findWorkspaceRoot(__dirname);
// An empty state folder: nothing of a running demo's (its gateway URL, its key) is picked up.
const stateDir = mkdtempSync(join(tmpdir(), 'meshmart-load-'));
let ctx: PlatformContext;

/** Runs the real CLI, as a user would, and returns its exit code and output. */
function meshmartLoad(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'tools/meshmart/bin/meshmart.cjs'), 'load', ...args], {
      cwd: root,
      env: { ...process.env, MESHMART_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const against = () => ['--url', ctx.platform.gateway.url, '--jwt-secret', ctx.platform.jwtSecret];

async function jsonRun(...args: string[]): Promise<LoadJson> {
  const run = await meshmartLoad(...against(), '--json', ...args);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as LoadJson;
}

beforeAll(async () => {
  ctx = await startPlatformContext();
  await ctx.product(100_000);
  await ctx.product(100_000, 2_500);
}, 180_000);

afterAll(async () => {
  await ctx?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('meshmart load against the running platform', () => {
  it('browse: the catalogue and single products, no errors', async () => {
    const summary = await jsonRun('--scenario', 'browse', '--shoppers', '2', '--duration', '3');
    expect(summary.journeys).toBeGreaterThan(5);
    expect(summary.errors).toBe(0);
    expect(Object.keys(summary.operations).sort()).toEqual(['GET /products', 'GET /products/{sku}']);
    expect(summary.operations['GET /products']?.requests).toBe(summary.journeys);
  });

  it('cart: lines put and carts read as shoppers, no errors', async () => {
    const summary = await jsonRun('--scenario', 'cart', '--shoppers', '2', '--duration', '3');
    expect(summary.errors).toBe(0);
    expect(Object.keys(summary.operations).sort()).toEqual(['GET /cart', 'PUT /cart/lines/{sku}']);
  });

  it('checkout: every order settles CONFIRMED with a card that pays, the saga timed from the order', async () => {
    const summary = await jsonRun('--scenario', 'checkout', '--shoppers', '2', '--count', '4', '--declined', '0');
    expect(summary).toMatchObject({ journeys: 4, errors: 0, checkoutOutcomes: { CONFIRMED: 4 } });
    expect(summary.settle.p50Ms).toBeGreaterThan(0);
  });

  it('checkout in an open loop with declined and timing-out cards: the failures are outcomes, not errors', async () => {
    const declined = await jsonRun('--scenario', 'checkout', '--rate', '2', '--count', '2', '--declined', '1');
    expect(declined).toMatchObject({ journeys: 2, errors: 0, checkoutOutcomes: { 'FAILED payment_declined': 2 } });
    expect(declined.startLag).toBeDefined();
    const timedOut = await jsonRun('--scenario', 'checkout', '--rate', '1', '--count', '1', '--declined', '0', '--timeouts', '1');
    expect(timedOut).toMatchObject({ journeys: 1, errors: 0, checkoutOutcomes: { 'FAILED payment_timeout': 1 } });
  });

  it('mix: prints a live progress line and the summary table', async () => {
    const run = await meshmartLoad(...against(), '--scenario', 'mix', '--shoppers', '3', '--duration', '3');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^load\s+\d+s\s+[\d.]+ req\/s {2}journeys \d+ {2}errors 0 {2}p50 [\d.]+ ms {2}p99 [\d.]+ ms$/m);
    expect(run.stdout).toMatch(/^meshmart load: mix, 3 shoppers \(closed loop\), [\d.]+ s, \d+ journeys/);
    expect(run.stdout).toMatch(/^\| all +\| +\d+ \| +0 \|/m);
  });
});

describe('meshmart load refuses bad options and unusable targets with one line and exit 2', () => {
  const refused = async (args: string[], message: string) => {
    const run = await meshmartLoad(...args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`meshmart load: ${message}`);
    expect(run.stdout).toBe('');
  };

  it('a rate of zero or less', () => refused([...against(), '--rate', '0'], '--rate takes a rate > 0 (journeys per second)'));
  it('an unknown scenario', () => refused([...against(), '--scenario', 'shoplift'], '--scenario takes one of browse, cart, checkout, mix'));
  it('an unknown flag', () => refused([...against(), '--sopphers', '3'], "Unknown option '--sopphers' (meshmart load --help)"));
  it('a URL nothing listens on', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    await refused(['--url', `http://127.0.0.1:${port}`, '--jwt-secret', 'x'], `cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });
  it('a JWT key the gateway does not take', () =>
    refused(
      ['--url', ctx.platform.gateway.url, '--jwt-secret', 'not-the-key'],
      'the gateway refused a token signed with --jwt-secret (HS256): check the key, --jwt-issuer meshmart-demo and --jwt-audience meshmart',
    ));
  it('a key file that is not a key', () =>
    refused(['--url', ctx.platform.gateway.url, '--jwt-key', join(root, 'package.json')], `--jwt-key: ${join(root, 'package.json')} is not a PEM private key`));
  it('a target that is not this machine, before sending it anything', () =>
    refused(['--url', 'http://shop.example.com', '--jwt-secret', 'x'], 'http://shop.example.com is not this machine: give --allow-remote to send load there'));
});

describe('meshmart load past its error budget', () => {
  it('exits 1 when the platform fails more calls than --max-error-rate allows', async () => {
    // The cart's only instance goes away: every cart call now fails at the edge.
    for (const cart of ctx.platform.instancesOf('cart-service')) await cart.stop();
    const run = await meshmartLoad(...against(), '--scenario', 'cart', '--shoppers', '2', '--count', '6', '--max-error-rate', '0.05');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/answers by status: .*5\d\d ×\d+/);
    expect(run.stderr).toMatch(/meshmart load: error rate [\d.]+ % is above --max-error-rate 5.00 %/);
  });
});
