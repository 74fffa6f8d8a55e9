import { z } from 'zod';
import { workloadDescriptor } from '@meshmart/contracts';

/** The journeys a simulated shopper can make; `mix` draws one of the others per iteration. */
export const scenarios = ['browse', 'cart', 'checkout', 'mix'] as const;
export type ScenarioName = (typeof scenarios)[number];

/** A bad option or an unusable target: `meshmart load` prints its message alone and exits 2. */
export class LoadUsageError extends Error {}

/** Where the gateway listens when it runs on this machine with its descriptor's port. */
export const localGateway = `http://localhost:${workloadDescriptor('gateway').port}`;

const share = (flag: string) =>
  z.coerce
    .number({ error: `${flag} takes a share between 0 and 1` })
    .min(0, `${flag} takes a share between 0 and 1`)
    .max(1, `${flag} takes a share between 0 and 1`);
const positive = (flag: string, what: string) =>
  z.coerce.number({ error: `${flag} takes ${what}` }).refine((n) => Number.isFinite(n) && n > 0, `${flag} takes ${what}`);

const optionsSchema = z
  .object({
    url: z
      .string({ error: `--url is required (the gateway, e.g. ${localGateway})` })
      .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), `--url takes an http(s) URL, e.g. ${localGateway}`),
    scenario: z.enum(scenarios, { error: `--scenario takes one of ${scenarios.join(', ')}` }).default('mix'),
    shoppers: positive('--shoppers', 'a whole number of shoppers ≥ 1').refine(Number.isInteger, '--shoppers takes a whole number of shoppers ≥ 1').optional(),
    rate: positive('--rate', 'a rate > 0 (journeys per second)').optional(),
    duration: positive('--duration', 'a number of seconds > 0').default(30),
    count: positive('--count', 'a whole number of journeys ≥ 1').refine(Number.isInteger, '--count takes a whole number of journeys ≥ 1').optional(),
    declined: share('--declined').default(0.1),
    timeouts: share('--timeouts').default(0),
    maxErrorRate: share('--max-error-rate').default(0.01),
    jwtSecret: z.string().min(1, '--jwt-secret is empty').optional(),
    jwtKeyFile: z.string().min(1).optional(),
    issuer: z.string().min(1).default('meshmart-demo'),
    audience: z.string().min(1).default('meshmart'),
    json: z.boolean().default(false),
    allowRemote: z.boolean().default(false),
  })
  .refine((o) => !(o.shoppers !== undefined && o.rate !== undefined), { message: 'give --shoppers (closed loop) or --rate (open loop), not both' })
  .refine((o) => o.declined + o.timeouts <= 1, { message: '--declined and --timeouts together cannot exceed 1' })
  .refine((o) => o.jwtSecret !== undefined || o.jwtKeyFile !== undefined, {
    message: 'no JWT key: give --jwt-secret or --jwt-key (a PEM private key file); the demo keeps its key in .meshmart/demo-jwt-secret',
  });

/** How a load run is shaped, validated: one of closed loop (N shoppers) or open loop (a fixed arrival rate). */
export interface LoadOptions {
  url: string;
  scenario: ScenarioName;
  loop: { kind: 'closed'; shoppers: number } | { kind: 'open'; ratePerSecond: number };
  durationMs: number;
  /** Stop after this many journeys, if given (whichever of duration and count comes first). */
  count: number | undefined;
  /** Share of checkouts paid with a card that is declined, and with one whose provider never answers. */
  declinedShare: number;
  timeoutShare: number;
  /** Exit 1 when errors / requests is above this. */
  maxErrorRate: number;
  jwt: { secret: string | undefined; keyFile: string | undefined; issuer: string; audience: string };
  json: boolean;
  allowRemote: boolean;
}

/** Raw flag values as `parseArgs` gives them (strings and booleans), with the defaults the CLI found. */
export type LoadFlags = Record<string, string | boolean | undefined>;

/**
 * Validates `meshmart load`'s flags. Every problem is a `LoadUsageError` with one line naming
 * the flag, so the CLI can print it and exit 2.
 */
export function parseLoadOptions(flags: LoadFlags): LoadOptions {
  const parsed = optionsSchema.safeParse({
    url: flags['url'],
    scenario: flags['scenario'],
    shoppers: flags['shoppers'],
    rate: flags['rate'],
    duration: flags['duration'],
    count: flags['count'],
    declined: flags['declined'],
    timeouts: flags['timeouts'],
    maxErrorRate: flags['max-error-rate'],
    jwtSecret: flags['jwt-secret'],
    jwtKeyFile: flags['jwt-key'],
    issuer: flags['jwt-issuer'],
    audience: flags['jwt-audience'],
    json: flags['json'] === true,
    allowRemote: flags['allow-remote'] === true,
  });
  if (!parsed.success) throw new LoadUsageError(parsed.error.issues[0]?.message ?? 'invalid options');
  const o = parsed.data;
  return {
    url: o.url.replace(/\/+$/, ''),
    scenario: o.scenario,
    loop: o.rate !== undefined ? { kind: 'open', ratePerSecond: o.rate } : { kind: 'closed', shoppers: o.shoppers ?? 4 },
    durationMs: o.duration * 1000,
    count: o.count,
    declinedShare: o.declined,
    timeoutShare: o.timeouts,
    maxErrorRate: o.maxErrorRate,
    jwt: { secret: o.jwtSecret, keyFile: o.jwtKeyFile, issuer: o.issuer, audience: o.audience },
    json: o.json,
    allowRemote: o.allowRemote,
  };
}

/**
 * Whether a host name is this machine: the loopback range, `localhost`, `[::1]`. A load run
 * elsewhere needs `--allow-remote`, so a typo never sends load to someone else's server.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
