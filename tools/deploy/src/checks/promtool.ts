import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runTool, type ToolRun } from './tools';

/** A file tree as a container sees it: target path → contents or a host path to copy. */
export type ContainerFiles = { target: string; source?: string; content?: string }[];

/**
 * `promtool check config` on Prometheus's config as the container sees it (its mounts laid
 * out in a scratch folder), so relative rule files resolve as they will at run time.
 */
export function promtoolCheck(files: ContainerFiles, configPath: string): ToolRun | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'meshmart-promtool-'));
  try {
    for (const file of files) {
      const target = join(dir, file.target);
      mkdirSync(dirname(target), { recursive: true });
      if (file.content !== undefined) writeFileSync(target, file.content);
      else if (file.source) cpSync(file.source, target, { recursive: statSync(file.source).isDirectory() });
    }
    return runTool('promtool', ['check', 'config', join(dir, configPath)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
