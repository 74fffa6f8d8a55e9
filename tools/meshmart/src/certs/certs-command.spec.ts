import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workloads } from '@meshmart/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandOutput } from '../command-line/command-line';
import { runCertsCommand } from './certs-command';

function capture(): CommandOutput & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, info: (line) => lines.push(line), error: (line) => errors.push(line) };
}

describe('meshmart certs', () => {
  let out: string;

  beforeEach(async () => {
    out = await mkdtemp(join(tmpdir(), 'meshmart-certs-'));
  });

  afterEach(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('writes the CA and one certificate per workload, printing one line per file', async () => {
    const io = capture();
    expect(await runCertsCommand(['--out', out], io)).toBe(0);
    expect(io.errors).toEqual([]);
    expect((await readdir(out)).sort()).toEqual(['ca.crt', 'ca.key', ...workloads].sort());
    expect(io.lines).toHaveLength(2 + 2 * workloads.length);
    expect(io.lines.every((line) => line.startsWith('wrote '))).toBe(true);
    const ca = new X509Certificate(await readFile(join(out, 'ca.crt')));
    for (const service of workloads) {
      const cert = new X509Certificate(await readFile(join(out, service, 'tls.crt')));
      expect(cert.subjectAltName).toContain(`URI:spiffe://meshmart.local/ns/meshmart/sa/${service}`);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect((await stat(join(out, service, 'tls.key'))).mode & 0o777).toBe(0o600);
    }
    expect((await stat(join(out, 'ca.key'))).mode & 0o777).toBe(0o600);
    expect(Math.abs(ca.validToDate.getTime() - (Date.now() + 365 * 86_400_000))).toBeLessThan(120_000);
  });

  it('keeps an existing CA and re-issues the workload certificates with it', async () => {
    await runCertsCommand(['--out', out, '--services', 'cart-service'], capture());
    const caBefore = await readFile(join(out, 'ca.crt'), 'utf8');
    const certBefore = await readFile(join(out, 'cart-service', 'tls.crt'), 'utf8');
    const io = capture();
    expect(await runCertsCommand(['--out', out, '--services', 'cart-service,payment-service', '--namespace', 'shop', '--ttl-hours', '2'], io)).toBe(0);
    expect(await readFile(join(out, 'ca.crt'), 'utf8')).toBe(caBefore);
    expect(io.lines[0]).toMatch(/^kept {2}.*ca\.crt \(existing CA/);
    expect(io.lines.slice(1).map((line) => line.split(/\s+/)[1])).toEqual([
      join(out, 'cart-service', 'tls.key'),
      join(out, 'cart-service', 'tls.crt'),
      join(out, 'payment-service', 'tls.key'),
      join(out, 'payment-service', 'tls.crt'),
    ]);
    const cert = new X509Certificate(await readFile(join(out, 'cart-service', 'tls.crt')));
    expect(cert.toString()).not.toBe(certBefore);
    expect(cert.subjectAltName).toContain('URI:spiffe://meshmart.local/ns/shop/sa/cart-service');
    expect(cert.verify(new X509Certificate(caBefore).publicKey)).toBe(true);
    expect(Math.abs(cert.validToDate.getTime() - (Date.now() + 2 * 3_600_000))).toBeLessThan(120_000);
  });

  it.each([
    [['--out', 'x', '--bogus'], /Unknown option '--bogus'/],
    [['--services', 'cart-service'], /--out <dir> is required/],
    [['--out', 'x', '--ttl-hours', 'soon'], /--ttl-hours must be a positive number, got "soon"/],
    [['--out', 'x', '--ttl-hours', '0'], /--ttl-hours must be a positive number/],
    [['--out', 'x', '--ttl-hours', '12h'], /--ttl-hours must be a positive number/],
    [['--out', 'x', '--ca-days=-5'], /--ca-days must be a positive number/],
    [['--out', 'x', '--ca-days', '-5'], /--ca-days/],
    [['--out', 'x', '--services', 'cart-service,../etc'], /invalid service name "\.\.\/etc"/],
    [['--out', 'x', '--services', 'Cart_Service'], /invalid service name "Cart_Service"/],
    [['--out', 'x', '--services', ''], /invalid service name ""/],
    [['--out', 'x', '--namespace', 'My NS'], /invalid namespace "My NS"/],
    [['--out', 'x', 'extra'], /unexpected argument "extra"/],
  ])('rejects %j with exit code 2 and one line saying what is wrong, writing nothing', async (argv, message) => {
    const io = capture();
    const args = argv.map((arg) => (arg === 'x' ? out : arg));
    expect(await runCertsCommand(args, io)).toBe(2);
    expect(io.errors[0]).toMatch(message);
    expect(io.errors).toEqual([expect.stringMatching(/^meshmart certs: .* \(meshmart certs --help\)$/)]);
    expect(await readdir(out)).toEqual([]);
  });

  it('prints the usage for --help and writes nothing', async () => {
    const io = capture();
    expect(await runCertsCommand(['--help'], io)).toBe(0);
    expect(io.lines).toEqual([expect.stringMatching(/^usage: meshmart certs/)]);
    expect(await readdir(out)).toEqual([]);
  });

  it('fails with exit code 1 when the existing CA has lost its key', async () => {
    await runCertsCommand(['--out', out, '--services', 'cart-service'], capture());
    await unlink(join(out, 'ca.key'));
    const io = capture();
    expect(await runCertsCommand(['--out', out, '--services', 'cart-service'], io)).toBe(1);
    expect(io.errors[0]).toMatch(/cannot read the existing CA .*ca\.key/);
  });
});
