/**
 * The PATH a simulated job runs with: a runner's, not the user's. A GitHub-hosted runner has the
 * system's tools, git, node and npm, but not an agent CLI the workflow does not install — so a job here
 * sees the programs of the system folders (linked into one folder), node/npm/npx from the node running
 * waveplan, and the folders given with `--runner-path` (stand-ins put on the runner on purpose). Left out:
 * the user's own folders (~/.local/bin, version managers), global npm packages (links into a
 * node_modules folder) and the agent CLIs by name. Without this, `simulate` passed where GitHub fails:
 * it found `claude` on the user's own PATH.
 */
import { existsSync, readlinkSync } from "node:fs";
import { mkdir, readdir, symlink } from "node:fs/promises";
import { delimiter, dirname, join, resolve } from "node:path";

/** Where the runner image's tools live (ubuntu-latest: everything else is under /opt or the tool cache). */
export const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
/** Agent CLIs a runner never has unless the workflow installs them. */
export const NOT_ON_RUNNERS = new Set(["claude", "codex", "gemini", "aider", "cursor-agent", "opencode", "amp", "goose", "qwen"]);
const NODE_TOOLS = ["node", "npm", "npx", "corepack"];

/** Makes `<dir>/runner-bin` and returns the job PATH: the `--runner-path` folders first, then it. */
export async function runnerPath(dir: string, extra: readonly string[]): Promise<string> {
  const bin = join(dir, "runner-bin");
  await mkdir(bin, { recursive: true });
  const linked = new Set<string>();
  const link = async (name: string, target: string) => {
    if (linked.has(name)) return;
    linked.add(name);
    await symlink(target, join(bin, name)).catch(() => {});
  };
  // the node running waveplan is the runner's node, wherever it is installed
  const nodeDir = dirname(process.execPath);
  for (const tool of NODE_TOOLS) if (existsSync(join(nodeDir, tool))) await link(tool, join(nodeDir, tool));
  for (const d of SYSTEM_DIRS) {
    const names = await readdir(d).catch(() => [] as string[]);
    for (const name of names) {
      if (NOT_ON_RUNNERS.has(name) || globalNpmPackage(join(d, name))) continue;
      await link(name, join(d, name));
    }
  }
  return [...extra, bin].join(delimiter);
}

/** A program `npm install -g` put there: a link into a node_modules folder (npm and npx themselves are kept above). */
function globalNpmPackage(file: string): boolean {
  try {
    return resolve(dirname(file), readlinkSync(file)).includes(`${"/"}node_modules${"/"}`);
  } catch {
    return false;
  }
}
