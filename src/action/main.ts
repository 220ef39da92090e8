/**
 * The action's entry (dist/index.js). It only dispatches: each command is its own chunk, loaded on
 * demand, so a `validate` job never parses the artifact or GitHub clients.
 */
const COMMANDS = {
  validate: () => import(/* webpackMode: "eager" */ "./validate.js").then((m) => m.validate),
  task: () => import(/* webpackMode: "eager" */ "./task.js").then((m) => m.task),
  finalize: () => import(/* webpackMode: "eager" */ "./finalize.js").then((m) => m.finalize),
} as const;

async function main(): Promise<void> {
  const name = (process.env.INPUT_COMMAND ?? "").trim();
  if (!Object.hasOwn(COMMANDS, name)) {
    // no @actions/core here: an unknown command must not cost the load of a command's chunk
    process.stdout.write(
      `::error title=waveplan::input "command" must be one of ${Object.keys(COMMANDS).join(", ")}, got "${name.replace(/[\r\n%]/g, " ")}"\n`,
    );
    process.exitCode = 1;
    return;
  }
  const [run, { fail }] = await Promise.all([COMMANDS[name as keyof typeof COMMANDS](), import(/* webpackMode: "eager" */ "./errors.js")]);
  try {
    await run();
  } catch (e) {
    fail(e);
  }
}

main().catch((e) => {
  // only a broken bundle gets here (a chunk that does not load); still no stack trace in the log
  process.stdout.write(`::error title=waveplan::${String((e as Error)?.message ?? e).replace(/[\r\n%]/g, " ")}\n`);
  process.exitCode = 1;
});
