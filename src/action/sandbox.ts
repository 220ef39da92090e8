/**
 * The task's sandbox on a GitHub runner. The job's tokens (ACTIONS_RUNTIME_TOKEN, the results URL,
 * the GitHub token) live in this process's environment; a task in its own PID namespace with its
 * own /proc cannot see this process, so it cannot read them from /proc/<pid>/environ (issue 24 case 8).
 *
 * GitHub-hosted Ubuntu 24.04 runs the job as `runner`, with passwordless sudo, and Ubuntu restricts
 * unprivileged user namespaces with AppArmor (kernel.apparmor_restrict_unprivileged_userns=1), which
 * bubblewrap and `unshare --map-root-user` need when not run by root. The runner image keeps the
 * restriction (actions/runner-images#10443; the PR to lift it, #11489, was closed unmerged), so the
 * action lifts it for bwrap alone where it can — an AppArmor profile that allows bwrap to create user
 * namespaces, as Ubuntu's own bwrap-userns-restrict does (containers/bubblewrap#632, microsoft/vscode
 * #316046) — and else with the sysctl (the machine is the job's alone and discarded after it).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import * as core from "@actions/core";
import type { Plan } from "../plan/model.js";
import { sandboxForPlan, sandboxNote } from "../sandbox/for-plan.js";
import { onPath } from "../sandbox/open.js";
import type { Sandbox } from "../sandbox/sandbox.js";

const RESTRICT = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";

export async function runnerSandbox(plan: Plan): Promise<Sandbox | undefined> {
  if (plan.sandbox === "off") {
    core.warning(`${sandboxNote(undefined)}; the job's tokens are out of its environment but not out of its reach`);
    return undefined;
  }
  allowUserNamespaces();
  const sandbox = await sandboxForPlan(plan);
  core.info(sandboxNote(sandbox));
  return sandbox;
}

/** AppArmor's user-namespace restriction lifted for bwrap (or at all), when it applies and sudo is at hand. */
function allowUserNamespaces(): void {
  if (process.getuid?.() === 0) return;
  let restricted = "0";
  try {
    restricted = readFileSync(RESTRICT, "utf8").trim();
  } catch {}
  if (restricted !== "1") return;
  const sudo = (args: string[], input?: string) => execFileSync("sudo", ["-n", ...args], { input, stdio: ["pipe", "ignore", "pipe"] });
  const bwrap = onPath("bwrap");
  try {
    if (bwrap && onPath("apparmor_parser", `${process.env.PATH}:/usr/sbin:/sbin`)) {
      const bin = realpathSync(bwrap);
      const profile = `abi <abi/4.0>,\ninclude <tunables/global>\nprofile waveplan-bwrap ${bin} flags=(unconfined) {\n  userns,\n}\n`;
      sudo(["tee", "/etc/apparmor.d/waveplan-bwrap"], profile);
      sudo(["apparmor_parser", "-r", "/etc/apparmor.d/waveplan-bwrap"]);
      core.info(`AppArmor restricts user namespaces here: loaded a profile that allows ${bin} to create them`);
    } else {
      sudo(["sysctl", "-w", "kernel.apparmor_restrict_unprivileged_userns=0"]);
      core.info("AppArmor restricts user namespaces here: lifted (sysctl kernel.apparmor_restrict_unprivileged_userns=0)");
    }
  } catch (e) {
    // the probe that follows fails with the sandbox tool's own reason
    core.warning(`could not lift AppArmor's user namespace restriction: ${(e as Error).message}`);
  }
}
