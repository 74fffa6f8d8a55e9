/**
 * A tiny service behind the real mesh, for the library's integration tests and benchmark:
 * run as its own process (`node -r @swc-node/register echo-service.ts`), configured by the
 * same environment as every MeshMart service, plus ECHO_BEHAVIOUR to make it misbehave and
 * ECHO_UPSTREAMS (comma-separated) to declare upstreams, whose discovery readiness reports.
 */
import 'reflect-metadata';
import { Controller, Get, Headers, HttpCode, Inject, Module, Param, Post, Query } from '@nestjs/common';
import { AllowFrom, AllowSource } from '../authz/route-access.decorator';
import { loadMeshConfig } from '../config/mesh-config';
import { currentRequestContext } from '../context/request-context';
import { MeshModule } from '../server/mesh.module';
import { runService } from '../server/run-service';
import { SERVICE_NAME } from '../runtime/tokens';
import { MESH_RUNTIME } from '../runtime/tokens';
import type { MeshRuntime } from '../runtime/mesh-runtime';

/** `ok` (default), `fail` (every call answers 503) or `slow:<ms>` (every call waits first); `POST /behaviour` changes it. */
let behaviour = process.env['ECHO_BEHAVIOUR'] ?? 'ok';
let delayMs = behaviour.startsWith('slow:') ? Number(behaviour.slice(5)) : 0;
const work = { completed: 0, abandoned: 0 };
/** Calls that reached a handler, whatever they answered: counts the attempts a callee really saw. */
let arrivals = 0;
/** Of those, the mirrored copies: their authority is marked `-shadow`, as Envoy marks them. */
let shadowArrivals = 0;
/** Mirrored copies answered so far: with `shadowArrivals`, says how many are still in flight. */
let shadowAnswered = 0;
const upstreams = (process.env['ECHO_UPSTREAMS'] ?? '').split(',').filter((name) => name.length > 0);
/** Every `mesh-test-*` workload of this bed's namespace, by principal prefix. */
const { MESH_TRUST_DOMAIN, MESH_NAMESPACE } = loadMeshConfig(process.env);
const meshTestFamily = `${MESH_TRUST_DOMAIN}/ns/${MESH_NAMESPACE}/sa/mesh-test-*`;

export interface EchoAnswer {
  instance: string;
  caller: string | null;
  /** The deadline budget the callee saw on arrival, in ms. */
  deadlineMs: number | null;
  /** The W3C trace context the caller sent. */
  traceparent: string | null;
}

@Controller()
@AllowFrom('mesh-test-client')
class EchoController {
  constructor(
    @Inject(MESH_RUNTIME) private readonly runtime: MeshRuntime,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  @Get('arrivals')
  arrivalsSoFar(): { arrivals: number; shadowArrivals: number; shadowAnswered: number } {
    return { arrivals, shadowArrivals, shadowAnswered };
  }

  /** Makes this instance misbehave (or recover) from now on, e.g. to see it ejected and back. */
  @Post('behaviour')
  @HttpCode(204)
  changeBehaviour(@Query('to') to: string): void {
    behaviour = to;
    delayMs = to.startsWith('slow:') ? Number(to.slice(5)) : 0;
  }

  @Get('echo')
  async echo(@Headers('traceparent') traceparent?: string, @Headers('host') host?: string): Promise<EchoAnswer> {
    arrivals += 1;
    if (host?.endsWith('-shadow')) shadowArrivals += 1;
    const context = currentRequestContext();
    const deadlineMs = context?.deadline ? Math.round(context.deadline.remainingMs()) : null;
    if (behaviour === 'fail') throw new ServiceUnavailable();
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (host?.endsWith('-shadow')) shadowAnswered += 1;
    return { instance: this.runtime.instanceId, caller: context?.caller ?? null, deadlineMs, traceparent: traceparent ?? null };
  }

  /** Works for `ms`, unless nobody waits any more (deadline passed, caller gone): then it stops. */
  @Get('work')
  async work(@Query('ms') ms: string): Promise<{ instance: string; completed: boolean }> {
    const signal = currentRequestContext()?.signal;
    const completed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), Number(ms));
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    work[completed ? 'completed' : 'abandoned'] += 1;
    return { instance: this.runtime.instanceId, completed };
  }

  /** Open to the controller's caller; its template must not open the static sibling below. */
  @Get('items/:id')
  item(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get('items/secret')
  @AllowFrom('intruder')
  secret(): { secret: true } {
    return { secret: true };
  }

  /** Under the controller's allow; `/public/../private` must not reach `private` through it. */
  @Get('public/:name')
  publicFile(@Param('name') name: string): { name: string } {
    return { name };
  }

  @Get('private')
  @AllowFrom('intruder')
  privateFile(): { private: true } {
    return { private: true };
  }

  @Get('family')
  @AllowSource({ principals: [meshTestFamily] })
  family(): { family: true } {
    return { family: true };
  }

  @Get('work-stats')
  workStats(): typeof work {
    return work;
  }

  @Post('orders')
  @HttpCode(201)
  create(): { instance: string; service: string } {
    if (behaviour === 'fail') throw new ServiceUnavailable();
    return { instance: this.runtime.instanceId, service: this.service };
  }
}

class ServiceUnavailable extends Error {
  readonly status = 503;
  toProblem(instance: string) {
    return { type: 'about:blank', title: 'service unavailable', status: 503, detail: 'ECHO_BEHAVIOUR=fail', instance };
  }
}

const mesh = { service: 'echo-service', upstreams };

@Module({ imports: [MeshModule.forRoot(mesh)], controllers: [EchoController] })
class EchoModule {}

runService({ mesh, module: EchoModule, defaultPort: 0 }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
