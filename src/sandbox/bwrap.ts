/**
 * The sandbox through bubblewrap (https://github.com/containers/bubblewrap): run by root it sets up
 * the namespaces itself and drops every capability before the task starts; run by another user it
 * goes through an unprivileged user namespace (which Ubuntu ≥ 23.10 restricts with AppArmor unless a
 * profile allows bwrap — see `probe`).
 *
 *   --ro-bind / /            everything read-only: the user's working tree, `.waveplan/`, sibling slots,
 *                            the real home; --dev and --proc give a minimal /dev and the /proc of the
 *                            task's own PID namespace (no other process, so no other environment)
 *   --tmpfs /tmp             a private /tmp; what the task must read under it (script, git objects) is
 *                            bound back read-only
 *   --bind <home>, <folder>  the only writable places the task shares with anything: its private home
 *                            and its folder
 *   --unshare-pid            bwrap's own init is PID 1: when the task's command exits, or bwrap is
 *   --die-with-parent        killed, or waveplan dies, the kernel kills every process left inside
 *   --cap-drop ALL           run by root, bwrap keeps every capability by default (measured: CapEff
 *                            full, and `mount -o remount,rw /` inside made / writable); dropped, with
 *                            bwrap's no-new-privs, the task cannot undo a mount or regain them by exec
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { gitConfigOf, privateHome } from "./home.js";
import { type Sandbox, type SandboxedCommand, type SandboxOptions, type SandboxRequest, underPrivateTmp } from "./sandbox.js";

export function bwrapArgs(o: { network: boolean; home: string; writable: string; readable: readonly string[] }): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  // shorter first: a folder bound after its parent stays visible
  const readable = [...new Set(o.readable)].filter((p) => existsSync(p)).sort((a, b) => a.length - b.length);
  for (const p of readable) args.push("--ro-bind", p, p);
  args.push("--bind", o.home, o.home, "--bind", o.writable, o.writable);
  args.push("--unshare-pid", "--unshare-ipc", "--die-with-parent", "--cap-drop", "ALL");
  if (!o.network) args.push("--unshare-net");
  args.push("--chdir", o.writable);
  return args;
}

export function bwrapSandbox(bin: string, options: SandboxOptions): Sandbox {
  return {
    tool: "bwrap",
    async wrap(r: SandboxRequest): Promise<SandboxedCommand> {
      const home = await privateHome(options.homeShare);
      const args = bwrapArgs({ network: options.network, home: home.dir, writable: r.writable, readable: underPrivateTmp(r) });
      return {
        command: bin,
        args: [...args, "--", r.command, ...r.args],
        // TMPDIR: the host's may point at a folder the task cannot write; /tmp is its own
        env: { ...r.env, ...gitConfigOf(r.env), HOME: home.dir, TMPDIR: "/tmp" },
        supervisor: true,
        dispose: home.dispose,
      };
    },
  };
}

/** Runs a trivial command in the sandbox this machine would give; the reason when it cannot. */
export function probeBwrap(bin: string, network: boolean): Promise<string | undefined> {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--unshare-pid", "--die-with-parent"];
  if (!network) args.push("--unshare-net");
  return new Promise((resolve) => {
    const child = spawn(bin, [...args, "--", "true"], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.on("error", (e) => resolve(`${bin}: ${e.message}`));
    child.on("close", (code, signal) => resolve(code === 0 ? undefined : err.trim() || `${bin} exited with ${code ?? signal}`));
  });
}
