import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/platform';
import { serviceDatabases } from './postgres';

describe('service databases', () => {
  it('are the same in the local stack and in the compose init script', () => {
    const sql = readFileSync(join(findWorkspaceRoot(__dirname), 'infra', 'postgres', 'init-databases.sql'), 'utf8');
    const created = [...sql.matchAll(/^CREATE DATABASE (\w+);$/gm)].map((match) => match[1]);
    expect(created).toEqual([...serviceDatabases]);
  });
});
