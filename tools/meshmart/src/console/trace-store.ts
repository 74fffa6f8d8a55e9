import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OtlpSpan } from '@meshmart/mesh/tools';
import { matchesFilter, summarizeTrace, type TraceFilter, type TraceSummary } from './trace-summary';

export interface TraceStoreOptions {
  /** Folder of the store's file, `spans.ndjson`. */
  dir: string;
  /** Traces kept; the oldest (by first span received) go first. Default 500. */
  maxTraces?: number;
  /** Bytes of spans kept (as stored); default 32 MiB. The file is rewritten when it reaches twice that. */
  maxBytes?: number;
}

interface StoredTrace {
  spans: OtlpSpan[];
  bytes: number;
}

/**
 * The console's trace store: the last `maxTraces` traces, at most `maxBytes` of them, kept in
 * memory for queries and appended to a file as they arrive, so a restart keeps them. Evicted
 * traces stay in the file until it reaches twice the cap, then it is rewritten (a rename, so a
 * crash never leaves half a file) with only what is kept. A line that cannot be read (a crash
 * mid-append) is skipped at load.
 */
export class TraceStore {
  /** Insertion-ordered: the first entry is the oldest trace. */
  private readonly traces = new Map<string, StoredTrace>();
  private readonly file: string;
  private readonly maxTraces: number;
  private readonly maxBytes: number;
  private keptBytes = 0;
  private fileBytes = 0;

  private constructor(options: TraceStoreOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.file = join(options.dir, 'spans.ndjson');
    this.maxTraces = options.maxTraces ?? 500;
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  }

  static open(options: TraceStoreOptions): TraceStore {
    const store = new TraceStore(options);
    if (existsSync(store.file)) {
      for (const line of readFileSync(store.file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          store.keep(JSON.parse(line) as OtlpSpan, Buffer.byteLength(line) + 1);
        } catch {
          // A line torn by a crash mid-append: the rest of the file is still good.
        }
      }
      store.fileBytes = statSync(store.file).size;
      store.evict();
    }
    return store;
  }

  /** Adds an export's spans: kept in memory and appended to the file. */
  add(spans: readonly OtlpSpan[]): void {
    if (spans.length === 0) return;
    const lines = spans.map((span) => `${JSON.stringify(span)}\n`);
    const text = lines.join('');
    appendFileSync(this.file, text);
    this.fileBytes += Buffer.byteLength(text);
    spans.forEach((span, index) => this.keep(span, Buffer.byteLength(lines[index] ?? '')));
    this.evict();
    if (this.fileBytes > 2 * this.maxBytes) this.compact();
  }

  get size(): number {
    return this.traces.size;
  }

  /** Newest first. */
  list(filter: TraceFilter = {}): TraceSummary[] {
    const found: TraceSummary[] = [];
    for (const [traceId, trace] of [...this.traces].reverse()) {
      const summary = summarizeTrace(traceId, trace.spans);
      if (matchesFilter(summary, trace.spans, filter)) found.push(summary);
      if (found.length >= (filter.limit ?? 100)) break;
    }
    return found.sort((a, b) => b.startMs - a.startMs);
  }

  get(traceId: string): { summary: TraceSummary; spans: OtlpSpan[] } | undefined {
    const trace = this.traces.get(traceId.toLowerCase());
    if (!trace) return undefined;
    return { summary: summarizeTrace(traceId.toLowerCase(), trace.spans), spans: [...trace.spans].sort((a, b) => a.startMs - b.startMs) };
  }

  private keep(span: OtlpSpan, bytes: number): void {
    const trace = this.traces.get(span.traceId);
    if (trace) {
      trace.spans.push(span);
      trace.bytes += bytes;
    } else {
      this.traces.set(span.traceId, { spans: [span], bytes });
    }
    this.keptBytes += bytes;
  }

  private evict(): void {
    for (const [traceId, trace] of this.traces) {
      if (this.traces.size <= this.maxTraces && this.keptBytes <= this.maxBytes) break;
      this.traces.delete(traceId);
      this.keptBytes -= trace.bytes;
    }
  }

  private compact(): void {
    const text = [...this.traces.values()].flatMap((trace) => trace.spans.map((span) => `${JSON.stringify(span)}\n`)).join('');
    const temporary = `${this.file}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, this.file);
    this.fileBytes = Buffer.byteLength(text);
  }
}
