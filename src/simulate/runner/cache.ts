/**
 * `actions/cache` at the pinned release, emulated (the simulator downloads no action), as its
 * action.yml (v5.0.5) describes it: the main step restores the entry saved under `key` into each `path`
 * (`~` is the job's home) and sets the output `cache-hit`; on a miss, the post step saves the paths under
 * the key once the job succeeded (`post-if: success()`), and an existing entry is never overwritten
 * (GitHub's caches are immutable per key). Entries live in the simulator's cache folder (`--cache-dir`),
 * so they last across runs as a repository's caches do — what makes a second simulation of a plan with
 * an agent preset skip the agent's install. Files are hard-linked, not copied: an agent CLI is ~400 MB.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { PINS, pinnedRef } from "../../compile/pins.js";
import { asString } from "../expressions.js";
import { StepError, type StepOutcome, type StepRun } from "./step.js";

export const CACHE_ACTION = pinnedRef(PINS.cache);

/** A cache entry the job's end saves (a miss of its restore step). */
export interface PendingSave {
  key: string;
  paths: string[];
}

const run = promisify(execFile);

export async function restoreCache(s: StepRun, saves: PendingSave[]): Promise<StepOutcome> {
  const input = (name: string) => (s.step.with[name] === undefined ? "" : asString(s.step.with[name], s.contexts).trim());
  const key = input("key");
  const paths = input("path")
    .split("\n")
    .map((p) => p.trim())
    .filter(Boolean);
  if (!key || paths.length === 0) throw new StepError(`${s.step.where}: actions/cache needs the inputs key and path`);
  const home = s.env.HOME ?? s.job.home;
  const local = paths.map((p) => (p.startsWith("~/") ? join(home, p.slice(2)) : p));
  const entry = entryDir(s.run.cacheDir, key);
  if (existsSync(entry)) {
    for (const [i, to] of local.entries()) {
      const from = join(entry, String(i));
      if (!existsSync(from)) continue;
      await mkdir(dirname(to), { recursive: true });
      await rm(to, { recursive: true, force: true });
      await run("cp", ["-al", from, to]);
    }
    s.log.info(`Cache restored from key: ${key}`);
    s.log.stepOutputs["cache-hit"] = "true";
    return "success";
  }
  s.log.info(`Cache not found for input keys: ${key}`);
  s.log.stepOutputs["cache-hit"] = "false";
  saves.push({ key, paths: local });
  return "success";
}

/** The post step: saves what a missed restore names, when the job succeeded. */
export async function saveCaches(cacheDir: string, saves: PendingSave[], log: (line: string) => void): Promise<void> {
  for (const save of saves) {
    const entry = entryDir(cacheDir, save.key);
    if (existsSync(entry)) continue;
    const tmp = `${entry}.partial-${randomBytes(4).toString("hex")}`;
    try {
      await mkdir(tmp, { recursive: true });
      for (const [i, from] of save.paths.entries()) if (existsSync(from)) await run("cp", ["-al", from, join(tmp, String(i))]);
      await rename(tmp, entry).catch(() => {}); // another job saved the same key first: entries are immutable
      log(`Cache saved with key: ${save.key}`);
    } catch (e) {
      // as actions/cache does, a failed save is a warning, never a failed job
      log(`##[warning]Failed to save cache ${save.key}: ${(e as Error).message}`);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
}

function entryDir(cacheDir: string, key: string): string {
  return join(cacheDir, key.replace(/[^A-Za-z0-9._-]/g, "_"));
}
