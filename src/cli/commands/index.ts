/** Every CLI command, in the order `waveplan --help` lists them. */
import type { Command } from "commander";
import { registerSchema } from "./schema.js";
import { registerValidate } from "./validate.js";

export function registerCommands(program: Command): void {
  registerValidate(program);
  registerSchema(program);
}
