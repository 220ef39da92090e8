/**
 * The `waveplan` command line. Each command lives in commands/ and registers itself here; this file
 * only maps outcomes to exit codes: 0 success, 1 the plan or run failed, 2 usage error.
 */
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";
import { reportError } from "./errors.js";

export async function main(argv: string[]): Promise<number> {
  const program = new Command("waveplan")
    .description("Executable parallel change plans: waves of tasks with checkpoints, run locally or on GitHub Actions")
    .version(VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program);
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
      return 2;
    }
    return reportError(e, (s) => process.stderr.write(s));
  }
}

declare const __WAVEPLAN_VERSION__: string | undefined;
const VERSION = typeof __WAVEPLAN_VERSION__ === "string" ? __WAVEPLAN_VERSION__ : "0.1.0";

// Run when bundled as dist/cli/index.js or executed directly, not when imported by tests.
const entry = process.argv[1] ?? "";
if (
  /(?:dist[\\/]cli[\\/]index\.js|bin[\\/]waveplan(?:\.js)?|src[\\/]cli[\\/]main\.ts)$/.test(entry) ||
  process.env.WAVEPLAN_CLI_MAIN === "1"
) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.exitCode = reportError(e, (s) => process.stderr.write(s));
    },
  );
}
