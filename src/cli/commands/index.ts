/** Every CLI command, in the order `waveplan --help` lists them. */
import type { Command } from "commander";
import { registerClean } from "./clean.js";
import { registerCompile } from "./compile.js";
import { registerGraph } from "./graph.js";
import { registerImport } from "./import.js";
import { registerPrompts } from "./prompts.js";
import { registerReport } from "./report.js";
import { registerRun } from "./run.js";
import { registerSchema } from "./schema.js";
import { registerSimulate } from "./simulate.js";
import { registerStats } from "./stats.js";
import { registerStatus } from "./status.js";
import { registerValidate } from "./validate.js";

export function registerCommands(program: Command): void {
  registerValidate(program);
  registerStats(program);
  registerGraph(program);
  registerPrompts(program);
  registerRun(program);
  registerStatus(program);
  registerReport(program);
  registerClean(program);
  registerSchema(program);
  registerImport(program);
  registerCompile(program);
  registerSimulate(program);
}
