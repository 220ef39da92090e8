/**
 * Which sandbox this machine gives: bubblewrap where installed and working, else util-linux `unshare`
 * (as root, or through a user namespace), else none — and then the reason, which the run reports
 * (DESIGN.md §5: a run without a sandbox needs an explicit `sandbox: off`).
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { bwrapSandbox, probeBwrap } from "./bwrap.js";
import { type Sandbox, type SandboxOptions, SandboxUnavailable } from "./sandbox.js";
import { probeUnshare, unshareSandbox } from "./unshare.js";

/** The first executable `name` on PATH. */
export function onPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

type Maker = (options: SandboxOptions) => Sandbox;
const probed = new Map<string, Promise<Maker>>();

/** The sandbox for these options (probed once per process); SandboxUnavailable says why there is none. */
export async function openSandbox(options: SandboxOptions): Promise<Sandbox> {
  // the probe depends only on the network option; the home share differs per plan
  const key = `${options.network}`;
  let found = probed.get(key);
  if (!found) {
    found = find(options.network);
    probed.set(key, found);
    // a failed probe is not kept: the user may install bubblewrap and run again in the same process
    found.catch(() => probed.delete(key));
  }
  return (await found)(options);
}

async function find(network: boolean): Promise<Maker> {
  if (process.platform !== "linux") throw new SandboxUnavailable(`the sandbox uses Linux namespaces, and this is ${process.platform}`);
  const reasons: string[] = [];
  const bwrap = process.env.WAVEPLAN_SANDBOX === "unshare" ? undefined : onPath("bwrap");
  if (bwrap) {
    const why = await probeBwrap(bwrap, network);
    if (!why) return (o) => bwrapSandbox(bwrap, o);
    reasons.push(`bwrap fails (${why})`);
  } else reasons.push("bwrap is not installed");
  const unshare = onPath("unshare");
  if (unshare) {
    const why = await probeUnshare(unshare, network);
    if (!why) return (o) => unshareSandbox(unshare, o);
    reasons.push(`unshare fails (${why})`);
  } else reasons.push("util-linux unshare is not installed");
  throw new SandboxUnavailable(reasons.join("; "));
}
