/**
 * The benchmark's real-work service: one route that reads a row from Postgres through a
 * connection pool, behind the mesh as every MeshMart service is (or with the mesh stepped
 * aside, `MESH_MODE=sidecar MESH_LISTENER=plain`). The handler's work, not the caller, bounds
 * the throughput, so the mesh's share shows as a service owner sees it. DATABASE_URL is required.
 */
import 'reflect-metadata';
import { Controller, Get, Inject, Module, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { AllowFrom, MeshModule, runService } from '@meshmart/mesh';

const POOL = Symbol('pg pool');

@Controller()
@AllowFrom('mesh-test-client')
class DbEchoController {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @Get('db')
  async read(): Promise<{ relname: string; pages: number }> {
    const { rows } = await this.pool.query<{ relname: string; relpages: number }>('SELECT relname, relpages FROM pg_class WHERE oid = $1', [1259]);
    const row = rows[0];
    if (!row) throw new Error('pg_class has no row for itself');
    return { relname: row.relname, pages: row.relpages };
  }
}

class PoolLifecycle implements OnModuleDestroy {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  onModuleDestroy(): Promise<void> {
    return this.pool.end();
  }
}

const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) throw new Error('DATABASE_URL is required: the Postgres the real-work route reads from');
const mesh = { service: 'db-echo-service' };

@Module({
  imports: [MeshModule.forRoot(mesh)],
  controllers: [DbEchoController],
  providers: [{ provide: POOL, useValue: new Pool({ connectionString: databaseUrl, max: 8 }) }, PoolLifecycle],
})
class DbEchoModule {}

runService({ mesh, module: DbEchoModule, defaultPort: 0 }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
