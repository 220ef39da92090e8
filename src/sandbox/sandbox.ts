/**
 * The sandbox a task runs in (DESIGN.md §5): the file system read-only but for the task's folder, a
 * private /tmp and a private home; its own PID namespace with its own /proc (nothing it starts
 * outlives it, it sees no other process, so no other process's environment); the host network unless
 * the plan cuts it. The execution path asks for one `Sandbox` per run and wraps every task's command
 * with it; the mechanism (bubblewrap, util-linux unshare) stays behind this interface.
 */
import { WaveplanError } from "../errors.js";

export interface SandboxOptions {
  /** the host network (default); false: a network namespace of its own, with only a loopback */
  network: boolean;
  /**
   * Home-relative paths of the agent's configuration and login, copied into the private home so a
   * logged-in CLI keeps working and can write its copy, never the real one (agent presets feed this).
   */
  homeShare: readonly string[];
}

/** Claude Code, Codex and Gemini CLI keep their configuration and login there. */
export const DEFAULT_HOME_SHARE: readonly string[] = [".claude", ".claude.json", ".codex", ".gemini"];

export interface SandboxRequest {
  command: string;
  args: string[];
  /** the one folder the task may write: its slot, or the job's checkout */
  writable: string;
  /**
   * Folders it must read that may lie under a path the sandbox replaces (a private /tmp over the
   * host's): its script, the git objects its folder borrows. Read-only.
   */
  readable: readonly string[];
  env: Record<string, string>;
}

/** What to spawn instead of the task's command; `dispose` once every process of it is gone. */
export interface SandboxedCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  /**
   * The spawned process supervises the namespace: it must get SIGKILL only (which ends every process
   * inside), never SIGTERM, which would end them without the grace period a task gets on timeout.
   */
  supervisor: true;
  dispose(): Promise<void>;
}

export interface Sandbox {
  /** "bwrap" or "unshare", for the run's output */
  readonly tool: string;
  wrap(request: SandboxRequest): Promise<SandboxedCommand>;
}

/** No sandbox can be had on this machine, and the plan did not say `sandbox: off`. */
export class SandboxUnavailable extends WaveplanError {
  constructor(why: string) {
    super(
      `tasks cannot be sandboxed here: ${why}. Install bubblewrap (apt-get install bubblewrap) or allow user namespaces, or set \`sandbox: off\` in the plan to run tasks unsandboxed`,
    );
    this.name = "SandboxUnavailable";
  }
}

/**
 * What a task must still reach under the private /tmp besides its request, read-only: the folders of
 * its PATH that lie there (a tool installed in a temporary folder, a test's stand-in agent) and the
 * file its environment's BASH_ENV names (bash sources it before every script: a runner's or the
 * simulator's hook), and the runner's RUNNER_TEMP (where a step or `agent.setup` leaves what a task
 * runs; on a GitHub-hosted runner it lies outside /tmp and stays visible, the simulator's does not).
 */
export function underPrivateTmp(r: SandboxRequest): string[] {
  const inTmp = (p: string) => p.startsWith("/tmp/");
  const path = (r.env.PATH ?? "").split(":").filter(inTmp);
  const bashEnv = r.env.BASH_ENV && inTmp(r.env.BASH_ENV) ? [r.env.BASH_ENV] : [];
  const runnerTemp = r.env.RUNNER_TEMP && inTmp(r.env.RUNNER_TEMP) ? [r.env.RUNNER_TEMP] : [];
  return [...r.readable, ...path, ...bashEnv, ...runnerTemp];
}
