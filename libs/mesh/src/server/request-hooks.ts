import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseSpiffeId } from '../identity/spiffe';
import { peerSpiffeId } from '../identity/mtls-server';
import { DeadlineExceeded } from '../errors/mesh-error';
import { Deadline } from '../resilience/deadline';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import type { MeshDestination, MeshPeer } from '../telemetry/istio-labels';
import { withServerSpan } from '../telemetry/tracing';
import { PROBLEM_CONTENT_TYPE, problemType } from '../problems/problem-document';
import { runWithRequestContext } from '../context/request-context';

/**
 * The server side of every mesh request, as Fastify hooks around the Nest handlers: a SERVER
 * span continuing the caller's trace, the caller's deadline (answered with 504 once it passes,
 * and handed down to outbound calls), and an Istio `reporter="destination"` sample.
 */
export function installRequestHooks(fastify: FastifyInstance, runtime: MeshRuntime, draining: { readonly value: boolean } = { value: false }): void {
  const spanNames = new Map(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [method, `${method} ${runtime.service}`]));
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (draining.value) void reply.header('connection', 'close');
    done(null, payload);
  });

  fastify.addHook('onRequest', (request, reply, done) => {
    const deadline = Deadline.fromHeaders(request.headers);
    if (deadline?.expired()) {
      void sendDeadlineExceeded(reply);
      return;
    }
    // A scrape would always count itself: the gauge counts the requests the workload serves.
    const untrack = request.url === '/metrics' ? undefined : runtime.metrics.internal.trackInboundRequest(runtime.service);
    const caller = peerSpiffeId(request.raw.socket);
    const attributes = () => ({
      'http.request.method': request.method,
      'url.path': request.url.split('?')[0] ?? request.url,
      'server.port': request.socket.localPort ?? 0,
    });
    void withServerSpan(spanNames.get(request.method) ?? `${request.method} ${runtime.service}`, request.headers, attributes, (span) => {
      const stop = new AbortController();
      const timer = deadline ? stopAtDeadline(deadline, reply, stop) : undefined;
      const finished = new Promise<void>((resolve) =>
        // One listener for all the request's ends. The response's 'close' before it finished
        // writing means the caller went away (the request's own 'close' fires as soon as its
        // body is read, so it cannot tell).
        reply.raw.once('close', () => {
          untrack?.();
          if (timer) clearTimeout(timer);
          if (!reply.raw.writableFinished) stop.abort(new Error('the caller closed the connection'));
          span.setResponseStatus(reply.statusCode);
          resolve();
        }),
      );
      // The rest of the chain runs in this async context: span, deadline and caller follow it.
      runWithRequestContext({ deadline, caller, signal: stop.signal }, done);
      return finished;
    });
  });

  // Made once: the same objects for every request let the metrics find their series by identity.
  const destination: MeshDestination = {
    workload: runtime.service,
    namespace: runtime.config.MESH_NAMESPACE,
    service: runtime.service,
    app: runtime.service,
    version: runtime.config.MESH_VERSION,
    ...(runtime.identity ? { principal: runtime.spiffeIdOf(runtime.service) } : {}),
  };
  const callers = new CallerPeers();
  fastify.addHook('onResponse', (request, reply, done) => {
    // Behind a sidecar, Envoy reports this hop with the real peer identity; a second series from
    // the app would only see the sidecar's plaintext and double Istio's numbers.
    if (runtime.config.MESH_MODE === 'sidecar') return done();
    const caller = peerSpiffeId(request.raw.socket);
    runtime.metrics.recordRequest({
      reporter: 'destination',
      source: callers.peerOf(caller),
      destination,
      responseCode: reply.statusCode,
      durationMs: reply.elapsedTime,
      requestBytes: Number(request.headers['content-length'] ?? 0),
      responseBytes: Number(reply.getHeader('content-length') ?? 0),
      mtls: caller !== undefined,
    });
    done();
  });
}

/** The metric's source labels per caller, made once per caller: callers are the mesh's workloads, a short list. */
class CallerPeers {
  private readonly peers = new Map<string | undefined, MeshPeer>();

  peerOf(caller: string | undefined): MeshPeer {
    let peer = this.peers.get(caller);
    if (!peer) {
      // Only CA-signed identities get here, but a bound keeps a misissuing CA from growing it forever.
      if (this.peers.size >= 1_000) this.peers.clear();
      peer = callerPeer(caller);
      this.peers.set(caller, peer);
    }
    return peer;
  }
}

function callerPeer(caller: string | undefined): MeshPeer {
  const parsed = caller ? parseSpiffeId(caller) : undefined;
  if (!parsed || !caller) return { workload: 'unknown', namespace: 'unknown' };
  return { workload: parsed.serviceAccount, namespace: parsed.namespace, principal: caller, app: parsed.serviceAccount };
}

/**
 * The callee stops at the caller's deadline: past it, nobody waits for the answer. It answers
 * 504 itself, then aborts the request's signal so the handler's work stops too.
 */
function stopAtDeadline(deadline: Deadline, reply: FastifyReply, stop: AbortController): NodeJS.Timeout {
  const timer = setTimeout(
    () => {
      if (!reply.sent) void sendDeadlineExceeded(reply);
      stop.abort(new DeadlineExceeded("the caller's deadline passed"));
    },
    Math.max(0, deadline.remainingMs()),
  );
  timer.unref();
  return timer;
}

// No `instance`: at the public edge it would echo the caller's URL, and a caller knows what it called.
function sendDeadlineExceeded(reply: FastifyReply): FastifyReply {
  return reply
    .status(504)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send({
      type: problemType('deadline-exceeded'),
      title: 'deadline exceeded',
      status: 504,
      detail: "the caller's deadline passed before the answer was ready",
    });
}
