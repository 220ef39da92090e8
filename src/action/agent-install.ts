/**
 * Installs a preset's CLI, pinned, into a folder of its own (on a runner: the folder `actions/cache`
 * keeps between the jobs of a run, compile/jobs.ts). npm packages go in with `npm install --prefix`,
 * pip packages into a virtualenv. An installed folder is left alone; a new install is made next to it
 * and renamed into place, so two jobs (or two test files) installing at once never see half a folder.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { AgentPreset, InstallMethod } from "../agent/preset.js";
import { runProcess } from "../engine/process.js";

/** Where the program lands inside the install folder. */
export function binDir(install: InstallMethod, prefix: string): string {
  return install.kind === "npm" ? join(prefix, "node_modules", ".bin") : join(prefix, "bin");
}

/** The folder one (preset, version) is installed into under `root`. */
export function installDir(root: string, preset: AgentPreset, version: string): string {
  return join(root, `${preset.name}-${version}`);
}

/** The commands that install `preset@version` into `prefix` (argv, run in order). */
export function installCommands(preset: AgentPreset, version: string, prefix: string): string[][] {
  if (preset.install.kind === "npm")
    return [["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund", "--no-save", `${preset.install.package}@${version}`]];
  return [
    ["python3", "-m", "venv", prefix],
    [join(prefix, "bin", "pip"), "install", "--disable-pip-version-check", `${preset.install.package}==${version}`],
  ];
}

export interface InstallResult {
  bin: string;
  /** false when the folder was already there (a cache hit) */
  installed: boolean;
}

/** Makes sure `preset@version` is installed under `root`; returns the folder holding its program. */
export async function ensureInstalled(
  preset: AgentPreset,
  version: string,
  root: string,
  log: { logFile: string; env: Record<string, string>; onOutput?: (chunk: Buffer) => void; timeoutMs?: number },
): Promise<InstallResult> {
  const dir = installDir(root, preset, version);
  if (existsSync(join(binDir(preset.install, dir), preset.bin))) return { bin: binDir(preset.install, dir), installed: false };
  await mkdir(dirname(dir), { recursive: true });
  const tmp = `${dir}.partial-${randomBytes(4).toString("hex")}`;
  try {
    for (const [command, ...args] of installCommands(preset, version, tmp)) {
      const r = await runProcess({
        command,
        args,
        cwd: dirname(dir),
        env: log.env,
        timeoutMs: log.timeoutMs ?? 10 * 60_000,
        logFile: log.logFile,
        onOutput: log.onOutput,
      }).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`installing ${preset.name} ${version}: \`${command}\` ${e.code === "ENOENT" ? "is not installed" : e.message}`);
      });
      if (r.exitCode !== 0 || r.timedOut)
        throw new Error(
          `installing ${preset.name} ${version} failed: \`${[command, ...args].join(" ")}\` ${r.timedOut ? "timed out" : `exited with ${r.exitCode ?? r.signal}`} (see ${log.logFile})`,
        );
    }
    if (!existsSync(join(binDir(preset.install, tmp), preset.bin)))
      throw new Error(`installing ${preset.name} ${version}: ${preset.install.package} did not provide \`${preset.bin}\``);
    await rename(tmp, dir).catch(async (e: NodeJS.ErrnoException) => {
      // another installer finished first: theirs is as good as ours
      if (!existsSync(dir)) throw e;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { bin: binDir(preset.install, dir), installed: true };
}
