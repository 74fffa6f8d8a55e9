import { Catch, type INestApplication, type RpcExceptionFilter } from '@nestjs/common';
import type { MicroserviceOptions, NestMicroservice } from '@nestjs/microservices';
import { type Observable, throwError } from 'rxjs';
import type { KafkaEventServer } from './kafka-event-server';

/**
 * Hands an event handler's error to the consumer as it was thrown. Nest's default RPC filter
 * would replace it by `{ status: 'error', message: 'Internal server error' }` (and log it),
 * losing the `code` and `retryable` that tell an outage (retried in place) from poison
 * (dead-lettered): every failure would be dead-lettered as `Object`.
 */
@Catch()
class KeepEventHandlerErrors implements RpcExceptionFilter {
  catch(error: unknown): Observable<never> {
    return throwError(() => error);
  }
}

/**
 * Makes the app's `@EventPattern` methods the handlers of `server`'s consumer groups and starts
 * them, without waiting for Kafka: `server.listen` starts each consumer in the background, so
 * this returns at once and the instance listens for HTTP meanwhile. Call it before
 * `app.listen` (e.g. from `runService`'s `configure`). The app is initialized first, so every
 * provider's `onModuleInit`/`onApplicationBootstrap` has run before the first event arrives.
 * `app.close()` stops the consumers (before the shutdown hooks close the database).
 * A service passes `consumeEvents` (@meshmart/persistence) to `runService`, which calls this with its event server.
 */
export async function connectEventServer(app: INestApplication, server: KafkaEventServer): Promise<void> {
  await app.init();
  // Deferred, so the filter is in place before the handlers are registered (their filters are fixed then).
  const events = app.connectMicroservice<MicroserviceOptions>({ strategy: server }, { deferInitialization: true }) as NestMicroservice;
  events.useGlobalFilters(new KeepEventHandlerErrors());
  // The app ran the lifecycle hooks already; the microservice shares its container and must not run them again.
  events.setIsInitHookCalled(true);
  await app.startAllMicroservices();
}
