import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { jsonSchema } from "../../plan/schema.js";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the plan file's JSON Schema (for editor completion)")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action((opts: { output?: string }) => {
      const text = `${JSON.stringify(jsonSchema(), null, 2)}\n`;
      if (opts.output) writeFileSync(opts.output, text);
      else process.stdout.write(text);
    });
}
