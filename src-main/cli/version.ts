// The command's version: Plugboard's, from the package.json above this file (src-main/cli/ in the source tree,
// build/src-main/cli/ in the packaged app, where package.json sits one level higher).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'plugboard' && pkg.version) return pkg.version;
    } catch {
      // Not here: one folder up.
    }
  }
  return 'unknown';
}
