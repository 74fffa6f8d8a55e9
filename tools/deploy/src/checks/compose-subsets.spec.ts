import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readComposeFile } from '../compose/compose-file';
import { repoPolicies, workspaceRoot } from '../traffic/repo-policies.fixture';
import { composeSubsetProblems } from './compose-subsets';

const compose = readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8');
function problemsWith(edit: (text: string) => string): string[] {
  const root = mkdtempSync(join(tmpdir(), 'compose-subsets-'));
  const changed = edit(compose);
  if (changed === compose) throw new Error('the edit must change docker-compose.yml');
  writeFileSync(join(root, 'docker-compose.yml'), changed);
  return composeSubsetProblems(readComposeFile(root), repoPolicies, '0.1.0');
}

describe("compose instances behind each subset's alias", () => {
  it("finds the repo's compose file answering every subset with exactly its instances", () => {
    expect(composeSubsetProblems(readComposeFile(workspaceRoot), repoPolicies, '0.1.0')).toEqual([]);
  });

  it('names an instance of the subset that does not answer its alias', () => {
    expect(problemsWith((text) => text.replace('aliases: [payment-service, payment-service-v1] }', 'aliases: [payment-service] }'))).toEqual([
      'docker-compose.yml: service payment-service-1 is in subset v1 of payment-service but does not answer to "payment-service-v1"',
    ]);
  });

  it('names a subset no instance serves, and the instance that answers for it with other labels', () => {
    expect(problemsWith((text) => text.replace('MESH_VERSION: 0.2.0', 'MESH_VERSION: 0.3.0'))).toEqual([
      'docker-compose.yml runs no payment-service instance with {"version":"0.2.0"}: subset v2 (cluster payment-service-v2) has nothing to send to',
      'docker-compose.yml: service payment-service-v2 answers to "payment-service-v2" but its labels are not {"version":"0.2.0"}',
    ]);
  });

  it('names an instance answering an alias whose labels it does not carry', () => {
    expect(
      problemsWith((text) =>
        text.replace('aliases: [payment-service, payment-service-v2]', 'aliases: [payment-service, payment-service-v2, payment-service-v1]'),
      ),
    ).toEqual(['docker-compose.yml: service payment-service-v2 answers to "payment-service-v1" but its labels are not {"version":"0.1.0"}']);
  });
});
