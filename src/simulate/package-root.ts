/**
 * The folder of this waveplan: the one holding its package.json and action.yml. The published
 * action (`waveplan/waveplan@<ref>`) is simulated with this folder's action.yml and dist/, from the
 * sources (src/simulate) as well as from the CLI bundle (dist/cli).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function waveplanRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && existsSync(join(dir, "action.yml"))) {
      const name = (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name;
      if (name === "waveplan") return dir;
    }
    if (dirname(dir) === dir) throw new Error(`cannot find waveplan's own folder (package.json and action.yml) above ${from}`);
  }
}
