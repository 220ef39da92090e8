import { readdir } from "node:fs/promises";
import type { Command } from "commander";
import { Layout } from "../../run/layout.js";
import { prepareRepo } from "../../run/local-runner.js";
import { acquireLock } from "../../run/lock.js";
import { SlotPool } from "../../run/slots.js";
import { CliError } from "../errors.js";

/**
 * `waveplan clean`: a finished run keeps its task slots (each a copy of the repository's files) so the
 * next run does not check out every file again; this removes them and the run repository. Runs and
 * their checkpoints stay (they are what `--resume` and `status` read).
 */
export function registerClean(program: Command): void {
  program
    .command("clean")
    .description("remove the task slots kept between runs (.waveplan/slots) and waveplan's run repository; runs and checkpoints stay")
    .action(async () => {
      const repo = await prepareRepo(process.cwd()).catch((e) => {
        throw new CliError((e as Error).message);
      });
      const layout = new Layout(repo);
      await layout.init();
      const release = await acquireLock(layout.lockFile);
      try {
        const slots = (await readdir(layout.slots).catch(() => [] as string[])).filter((n) => /^s-\d+$/.test(n));
        await new SlotPool(repo, layout.runGitDir, layout.slots).removeAll();
        process.stdout.write(`removed ${slots.length} slot${slots.length === 1 ? "" : "s"} and the run repository from ${layout.root}\n`);
      } finally {
        await release();
      }
    });
}
