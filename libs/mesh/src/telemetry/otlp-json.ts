/** A span attribute's value as OTLP carries it, flattened (arrays and maps as JSON text). */
export type OtlpAttributeValue = string | number | boolean;

/** One span of an OTLP/HTTP JSON export, with the resource's service name and instance. */
export interface OtlpSpan {
  service: string;
  /** `service.instance.id` of the resource, when set. */
  instance: string | undefined;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** Start and end in milliseconds since the epoch (fractional: OTLP's nanoseconds kept to the microsecond). */
  startMs: number;
  endMs: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: number;
  statusMessage: string | undefined;
  attributes: Record<string, OtlpAttributeValue>;
  /** Spans this one links to (e.g. a batch consumer to its producers). */
  links: { traceId: string; spanId: string }[];
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: unknown;
  kvlistValue?: unknown;
}
interface OtlpAttribute {
  key: string;
  value?: OtlpValue;
}
interface OtlpJsonSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  status?: { code?: number; message?: string };
  attributes?: OtlpAttribute[];
  links?: { traceId?: string; spanId?: string }[];
}
interface OtlpJsonExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: OtlpJsonSpan[] }[];
  }[];
}

/** An export that is not OTLP JSON: the receiver answers 400 and keeps nothing of it. */
export class InvalidOtlpExport extends Error {
  override readonly name = 'InvalidOtlpExport';
}

const HEX_ID = /^[0-9a-f]+$/i;

/**
 * The spans of one OTLP/HTTP export in its JSON encoding (what `@opentelemetry/exporter-trace-otlp-http`
 * sends), flattened with their resource's `service.name`. Ids stay hex, as the JSON encoding
 * writes them. A body that is not an export, or a span without valid ids, throws
 * InvalidOtlpExport: an export is taken whole or not at all.
 *
 * @example
 * const spans = spansOfOtlpJson(JSON.parse(body.toString('utf8')));
 */
export function spansOfOtlpJson(body: unknown): OtlpSpan[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidOtlpExport('an OTLP export is a JSON object with resourceSpans');
  const exported = body as OtlpJsonExport;
  if (exported.resourceSpans !== undefined && !Array.isArray(exported.resourceSpans)) throw new InvalidOtlpExport('resourceSpans must be an array');
  return (exported.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown');
    const instance = resource['service.instance.id'] === undefined ? undefined : String(resource['service.instance.id']);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => spanOf(span, service, instance)));
  });
}

function spanOf(span: OtlpJsonSpan, service: string, instance: string | undefined): OtlpSpan {
  if (!span.traceId || !HEX_ID.test(span.traceId) || !span.spanId || !HEX_ID.test(span.spanId))
    throw new InvalidOtlpExport(`a span without a hex traceId and spanId (${String(span.name)})`);
  return {
    service,
    instance,
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    parentSpanId: span.parentSpanId ? span.parentSpanId.toLowerCase() : undefined,
    name: String(span.name ?? ''),
    kind: Number(span.kind ?? 0),
    startMs: millisOf(span.startTimeUnixNano),
    endMs: millisOf(span.endTimeUnixNano),
    status: Number(span.status?.code ?? 0),
    statusMessage: span.status?.message || undefined,
    attributes: attributesOf(span.attributes),
    links: (span.links ?? [])
      .filter((link) => link.traceId && link.spanId)
      .map((link) => ({ traceId: String(link.traceId).toLowerCase(), spanId: String(link.spanId).toLowerCase() })),
  };
}

function millisOf(nanos: string | number | undefined): number {
  if (nanos === undefined) return 0;
  // Nanoseconds since the epoch overflow a double's exact range: divide as a bigint first.
  const value = BigInt(typeof nanos === 'number' ? Math.trunc(nanos) : nanos);
  return Number(value / 1_000n) / 1_000;
}

function attributesOf(attributes: OtlpAttribute[] = []): Record<string, OtlpAttributeValue> {
  return Object.fromEntries(attributes.map(({ key, value = {} }) => [key, valueOf(value)]));
}

function valueOf(value: OtlpValue): OtlpAttributeValue {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.arrayValue !== undefined) return JSON.stringify(value.arrayValue);
  if (value.kvlistValue !== undefined) return JSON.stringify(value.kvlistValue);
  return '';
}
