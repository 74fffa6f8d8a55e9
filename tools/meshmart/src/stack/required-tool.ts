import { spawnSync } from 'node:child_process';

/** A missing program, with the command that installs it on Debian/Ubuntu. */
export class MissingTool extends Error {
  override readonly name = 'MissingTool';
  constructor(tool: string, install: string, detail = '') {
    super(`${tool} is required by the local stack but ${detail || 'was not found on PATH'}: install it with \`${install}\``);
  }
}

export function requireTool(command: string, versionArgs: readonly string[], install: string): string {
  const result = spawnSync(command, versionArgs, { encoding: 'utf8' });
  if (result.error || result.status !== 0) throw new MissingTool(command, install);
  return `${result.stdout}${result.stderr}`;
}

/** Java 17 or newer runs the Kafka 4 broker. */
export function requireJava(): void {
  const install = 'apt-get install openjdk-17-jre-headless';
  const output = requireTool('java', ['-version'], install);
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? 0);
  if (major < 17) throw new MissingTool('Java 17+', install, `java reports version ${major}`);
}
