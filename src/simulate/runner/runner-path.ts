/**
 * The PATH a simulated job runs with: a runner's, not the user's. A GitHub-hosted runner has the
 * system's tools, git, node and npm, but not an agent CLI the workflow does not install — so a job here
 * sees the programs of the system folders (linked into one folder), node/npm/npx from the node running
 * waveplan, and the folders given with `--runner-path` (stand-ins put on the runner on purpose). Left out:
 * the user's own folders (~/.local/bin, version managers), global npm packages (links into a
 * node_modules folder) and the agent CLIs by name. Without this, `simulate` passed where GitHub fails:
 * it found `claude` on the user's own PATH.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";

/** Where the runner image's tools live (ubuntu-latest: everything else is under /opt or the tool cache). */
export const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
/** Agent CLIs a runner never has unless the workflow installs them. */
export const NOT_ON_RUNNERS = new Set(["claude", "codex", "gemini", "aider", "cursor-agent", "opencode", "amp", "goose", "qwen"]);
const NODE_TOOLS = ["node", "npm", "npx", "corepack"];

/**
 * The job PATH: the `--runner-path` folders first, then the runner's tools. Their folder is built once
 * per machine state and reused (keyed by the node in use and the system folders' modification times,
 * which change when a program is installed or removed): linking ~1,500 programs takes a third of a second.
 */
export async function runnerPath(extra: readonly string[]): Promise<string> {
  return [...extra, runnerBin()].join(delimiter);
}

function runnerBin(): string {
  const stamp = SYSTEM_DIRS.map((d) => {
    try {
      return `${d}:${statSync(d).mtimeMs}`;
    } catch {
      return d;
    }
  });
  const key = createHash("sha256")
    .update([process.execPath, ...stamp].join("\n"))
    .digest("hex")
    .slice(0, 16);
  // not under /tmp: a task's sandbox has a /tmp of its own, where a PATH folder of the host's is not
  const bin = join(cacheDir(), `runner-bin-${process.getuid?.() ?? "u"}-${key}`);
  mkdirSync(dirname(bin), { recursive: true });
  if (existsSync(bin)) return bin;
  const tmp = `${bin}.partial-${randomBytes(4).toString("hex")}`;
  mkdirSync(tmp, { recursive: true });
  const linked = new Set<string>();
  const link = (name: string, target: string) => {
    if (linked.has(name)) return;
    linked.add(name);
    try {
      symlinkSync(target, join(tmp, name));
    } catch {}
  };
  // the node running waveplan is the runner's node, wherever it is installed
  const nodeDir = dirname(process.execPath);
  for (const tool of NODE_TOOLS) if (existsSync(join(nodeDir, tool))) link(tool, join(nodeDir, tool));
  for (const d of SYSTEM_DIRS) {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {}
    for (const name of names) if (!NOT_ON_RUNNERS.has(name) && !globalNpmPackage(join(d, name))) link(name, join(d, name));
  }
  try {
    renameSync(tmp, bin);
  } catch {
    // another simulation built the same folder first
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

/** waveplan's cache folder: $XDG_CACHE_HOME/waveplan, else ~/.cache/waveplan, else (no home) the temporary folder. */
function cacheDir(): string {
  const home = homedir();
  const base = process.env.XDG_CACHE_HOME || (home ? join(home, ".cache") : tmpdir());
  return join(base, "waveplan");
}

/** A program `npm install -g` put there: a link into a node_modules folder (npm and npx themselves are kept above). */
function globalNpmPackage(file: string): boolean {
  try {
    return resolve(dirname(file), readlinkSync(file)).includes(`${"/"}node_modules${"/"}`);
  } catch {
    return false;
  }
}
