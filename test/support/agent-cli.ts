/**
 * The real agent CLIs for tests, pinned to each preset's tested version and installed once from the npm
 * registry into node_modules/.cache/waveplan-test-agents (through the presets' own installer,
 * src/agent/install.ts), so a fresh clone's `npm test` gets them and later runs reuse them.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureInstalled } from "../../src/action/agent-install.js";
import type { PresetName } from "../../src/agent/preset.js";
import { PRESETS } from "../../src/agent/presets.js";
import { cleanEnv, ROOT } from "./repo.js";

export const AGENT_CACHE = join(ROOT, "node_modules", ".cache", "waveplan-test-agents");

/** The folder holding the preset's program (its tested version), installing it on first use. */
export async function agentBin(name: PresetName): Promise<string> {
  const preset = PRESETS[name];
  mkdirSync(AGENT_CACHE, { recursive: true });
  const { bin } = await ensureInstalled(preset, preset.testedVersion, AGENT_CACHE, {
    logFile: join(AGENT_CACHE, `${name}-install.log`),
    env: cleanEnv(),
  });
  return bin;
}
