/** Every CLI command, in the order `waveplan --help` lists them. */
import type { Command } from "commander";
import { registerImport } from "./import.js";
import { registerCompile } from "./compile.js";
import { registerGraph } from "./graph.js";
import { registerPrompts } from "./prompts.js";
import { registerRun } from "./run.js";
import { registerSchema } from "./schema.js";
import { registerStatus } from "./status.js";
import { registerStats } from "./stats.js";
import { registerValidate } from "./validate.js";

export function registerCommands(program: Command): void {
  registerValidate(program);
  registerStats(program);
  registerGraph(program);
  registerPrompts(program);
  registerRun(program);
  registerStatus(program);
  registerSchema(program);
  registerImport(program);
  registerCompile(program);
}
