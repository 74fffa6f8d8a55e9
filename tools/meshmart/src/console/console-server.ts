import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PROBLEM_CONTENT_TYPE } from '@meshmart/mesh';
import { InvalidOtlpExport, spansOfOtlpJson } from '@meshmart/mesh/tools';
import { answerApi, type ConsoleSources } from './console-api';
import { ConsoleProblem, notFound } from './console-problems';

/** Largest OTLP export taken (the SDK's batches are far smaller). */
const MAX_EXPORT_BYTES = 8 * 1024 * 1024;

const uiDir = join(__dirname, 'ui');
const packageDir = (name: string) => dirname(require.resolve(name));
/** The page's files, and the libraries' browser bundles straight from node_modules: nothing comes from a CDN. */
const staticFiles: Record<string, () => string> = {
  '/': () => join(uiDir, 'index.html'),
  '/console.js': () => join(uiDir, 'console.js'),
  '/graph-view.js': () => join(uiDir, 'graph-view.js'),
  '/trace-view.js': () => join(uiDir, 'trace-view.js'),
  '/console.css': () => join(uiDir, 'console.css'),
  '/vendor/cytoscape.min.js': () => join(packageDir('cytoscape'), 'cytoscape.min.js'),
  '/vendor/uPlot.iife.min.js': () => join(packageDir('uplot'), 'uPlot.iife.min.js'),
  '/vendor/uPlot.min.css': () => join(packageDir('uplot'), 'uPlot.min.css'),
};
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface RunningConsole {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The OTLP/HTTP traces endpoint services export to. */
  otlpEndpoint: string;
  close(): Promise<void>;
}

/**
 * The console's one listener, on 127.0.0.1 only: the page, its JSON API under `/api` (GET only),
 * and the OTLP/HTTP JSON traces endpoint (`POST /v1/traces`) that fills the trace store.
 * Requests whose Host is not this machine are refused, so a web page elsewhere cannot read it
 * through DNS rebinding.
 */
export async function startConsoleServer(sources: Omit<ConsoleSources, 'otlpEndpoint'>, port: number): Promise<RunningConsole> {
  let otlpEndpoint = '';
  const server: Server = createServer((request, response) => {
    handle(request, response, { ...sources, otlpEndpoint }).catch((error: unknown) => sendProblem(response, problemOf(error), request.url ?? '/'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is taken: move the console with --port (or MESHMART_CONSOLE_PORT)`) : error),
    );
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  otlpEndpoint = `${url}/v1/traces`;
  return {
    url,
    otlpEndpoint,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, sources: ConsoleSources): Promise<void> {
  const host = (request.headers.host ?? '').replace(/:\d+$/, '');
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host))
    throw new ConsoleProblem(403, 'foreign-host', 'Foreign host', 'the console answers only to requests for 127.0.0.1 or localhost');
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/v1/traces') return receiveSpans(request, response, sources);
  if (request.method !== 'GET' && request.method !== 'HEAD')
    throw new ConsoleProblem(405, 'method-not-allowed', 'Read-only', `the console is read-only: ${request.method ?? ''} ${url.pathname} is not allowed`);
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
    const body = await answerApi(sources, url);
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    return;
  }
  const file = staticFiles[url.pathname]?.();
  if (!file) throw notFound(url.pathname);
  const extension = file.slice(file.lastIndexOf('.'));
  response
    .writeHead(200, {
      'content-type': contentTypes[extension] ?? 'application/octet-stream',
      'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    })
    .end(await readFile(file));
}

async function receiveSpans(request: IncomingMessage, response: ServerResponse, sources: ConsoleSources): Promise<void> {
  if (request.method !== 'POST') throw new ConsoleProblem(405, 'method-not-allowed', 'POST only', 'POST OTLP/HTTP JSON exports to /v1/traces');
  if (!String(request.headers['content-type']).includes('json'))
    throw new ConsoleProblem(
      415,
      'unsupported-media-type',
      'JSON only',
      'this receiver takes the OTLP/HTTP JSON encoding (content-type: application/json), not protobuf',
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_EXPORT_BYTES) throw new ConsoleProblem(413, 'export-too-large', 'Export too large', `an export may be at most ${MAX_EXPORT_BYTES} bytes`);
    chunks.push(chunk);
  }
  let spans;
  try {
    const raw = Buffer.concat(chunks);
    const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw, { maxOutputLength: 4 * MAX_EXPORT_BYTES }) : raw;
    spans = spansOfOtlpJson(JSON.parse(body.toString('utf8')));
  } catch (error) {
    throw new ConsoleProblem(
      400,
      'invalid-otlp-export',
      'Invalid OTLP export',
      error instanceof InvalidOtlpExport ? error.message : `not an OTLP JSON export: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  sources.traces.add(spans);
  response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
}

function problemOf(error: unknown): ConsoleProblem {
  if (error instanceof ConsoleProblem) return error;
  // Anything else is a bug of the console's: say so without a stack trace, and log it.
  console.error(`console: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new ConsoleProblem(
    500,
    'console-failure',
    'Console failure',
    `the console failed to answer: ${error instanceof Error ? error.message : String(error)}`,
  );
}

function sendProblem(response: ServerResponse, problem: ConsoleProblem, path: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response
    .writeHead(problem.status, { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' })
    .end(JSON.stringify(problem.toDocument(path.split('?')[0] ?? path)));
}
