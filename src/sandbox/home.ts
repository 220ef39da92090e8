/**
 * A task's private home: a fresh folder with copies of the agent's configuration and login (the task
 * may write its copy; the real one stays as it was), removed when the task is over.
 */
import { existsSync } from "node:fs";
import { cp, lstat, mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join, normalize, sep } from "node:path";

export interface PrivateHome {
  dir: string;
  dispose(): Promise<void>;
}

export async function privateHome(share: readonly string[], realHome = process.env.HOME || homedir()): Promise<PrivateHome> {
  const dir = await mkdtemp(join(tmpdir(), "waveplan-home-"));
  for (const rel of share) {
    const clean = normalize(rel);
    // only paths inside the home: a preset must not be able to copy /etc or ../other-user in
    if (isAbsolute(clean) || clean === ".." || clean.startsWith(`..${sep}`)) continue;
    const from = join(realHome, clean);
    if (!(await lstat(from).catch(() => undefined))) continue;
    await cp(from, join(dir, clean), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, force: true }).catch(
      // a socket or an unreadable file in the agent's folder: the rest is still copied
      () => {},
    );
  }
  return { dir, dispose: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }) };
}

/**
 * The user's global git configuration (identity, aliases) still applies in the private home: git reads
 * it from $HOME/.gitconfig or $XDG_CONFIG_HOME/git/config (git-config(1), FILES), both gone with the
 * real home, so GIT_CONFIG_GLOBAL names the real file — read-only, as everything outside the folder.
 */
export function gitConfigOf(env: Record<string, string>, realHome = env.HOME || homedir()): Record<string, string> {
  if (env.GIT_CONFIG_GLOBAL) return {};
  const candidates = [join(realHome, ".gitconfig"), join(env.XDG_CONFIG_HOME || join(realHome, ".config"), "git", "config")];
  const found = candidates.find((f) => existsSync(f));
  return found ? { GIT_CONFIG_GLOBAL: found } : {};
}
