/**
 * Before an agent task starts: is the CLI authenticated? One of the preset's secret variables is set,
 * or a login made with the CLI itself is in the home folder. Checked up front so a missing key fails
 * in a second, naming where to set it, instead of after the agent's own retries.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AgentPreset } from "./preset.js";

/** Why the agent cannot authenticate, or undefined when it can. */
export function missingAuth(preset: AgentPreset, env: Record<string, string | undefined>): string | undefined {
  if (preset.secrets.some((name) => (env[name] ?? "") !== "")) return undefined;
  const home = env.HOME;
  if (home && preset.loginFiles.some((f) => existsSync(join(home, f)))) return undefined;
  const login = preset.loginFiles.length ? ` (or log in with \`${preset.bin}\` so ~/${preset.loginFiles[0]} exists)` : "";
  return `${preset.name} is not authenticated: set one of ${preset.secrets.join(", ")}${login}. Locally: export it before \`waveplan run\`. On GitHub: add it as a repository secret (Settings › Secrets and variables › Actions); prompt tasks get the secrets agent.secrets names (default: ${preset.secrets.join(", ")})`;
}
