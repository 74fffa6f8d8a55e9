import { parse } from 'yaml';
import { messageType } from './envoy-protos';
import { messageProblems } from './json-mapping';

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

/**
 * Problems of `json` as an Envoy message of `typeName` (e.g. `envoy.config.cluster.v3.Cluster`),
 * each `<where>: <field path>: <what is wrong>`.
 */
export function envoyMessageProblems(where: string, typeName: string, json: unknown): string[] {
  const type = messageType(typeName);
  if (!type) throw new Error(`${typeName} is no message of Envoy's API`);
  return messageProblems(type, json).map((problem) => `${where}: ${problem}`);
}

/**
 * An Envoy bootstrap file (YAML) checked strictly against Envoy's v3 `Bootstrap`, as close to
 * `envoy --mode validate` as a machine without Envoy gets: proto3 JSON mapping, every
 * `typed_config` through its @type, and the protoc-gen-validate rules Envoy enforces.
 */
export function envoyBootstrapProblems(file: string, text: string): string[] {
  const read = readEnvoyYaml(file, text);
  return 'problem' in read ? [read.problem] : envoyMessageProblems(file, BOOTSTRAP, read.config);
}

/** An Envoy config file's YAML, or the one problem saying why it does not parse. */
export function readEnvoyYaml(file: string, text: string): { config: unknown } | { problem: string } {
  try {
    return { config: parse(text) as unknown };
  } catch (error) {
    return { problem: `${file} is not valid YAML: ${(error as Error).message}` };
  }
}
