import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { UsageError } from "../errors.js";

interface SimulateFlags {
  repo?: string;
  fail?: string;
  rerunFailed?: string;
  out?: string;
  concurrency?: string;
  input: string[];
  secret: string[];
  var: string[];
  protect: string[];
  allowTokenPrs?: boolean;
  runnerPath: string[];
  cacheDir?: string;
  event?: string;
  head?: string;
  ruleset: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSimulate(program: Command): void {
  program
    .command("simulate")
    .description("run a compiled workflow offline as GitHub would: jobs in needs order, the waveplan action, artifacts, the final push")
    .argument("[workflow]", "the workflow file (not with --rerun-failed)")
    .option("--repo <dir>", "the repository jobs check out and final-commit pushes to (default: the current one)")
    .option("--fail <task>", "make this task's command fail (bash exits before its script) to exercise failure paths")
    .option("--rerun-failed <out>", "re-run the failed jobs of an earlier simulation (its output folder), attempt + 1")
    .option("--out <dir>", "output folder for logs, summaries, artifacts and state (default .waveplan/simulate/<run id>)")
    .option("--concurrency <n>", "at most n jobs at once (default: twice the number of CPUs, at least 4)")
    .option("--input <name=value>", "a workflow_dispatch input (repeatable)", collect, [])
    .option("--secret <name=value>", "a secret (repeatable); secrets are empty otherwise", collect, [])
    .option("--var <name=value>", "a configuration variable, the vars context (repeatable); empty otherwise", collect, [])
    .option("--protect <branch>", "protect this branch: pushes to it are refused as GitHub refuses them (GH006) (repeatable)", collect, [])
    .option(
      "--runner-path <dir>",
      "put this folder first on the jobs' PATH (repeatable): jobs otherwise see only a runner's tools, not your PATH",
      collect,
      [],
    )
    .option("--cache-dir <dir>", "where emulated actions/cache entries are kept between runs (default ~/.cache/waveplan/simulate/cache)")
    .option("--allow-token-prs", 'the repository setting "Allow GitHub Actions to create and approve pull requests" (off by default)')
    .option(
      "--ruleset <file>",
      'a repository ruleset: the JSON body of "Create a repository ruleset"; pushes breaking it are refused with GH013 (repeatable)',
      collect,
      [],
    )
    .option(
      "--event <name>",
      "what starts the run: workflow_dispatch (default; on the repository's current branch), pull_request or merge_group (with --head)",
    )
    .option("--head <branch>", "the pull request's branch for --event pull_request|merge_group; its base is the default branch (HEAD)")
    .addHelpText(
      "after",
      "\nOnly actions/checkout, actions/create-github-app-token (emulated: mints a token of the simulated GitHub), actions/cache (emulated: entries in --cache-dir), the waveplan action (./ or waveplan/waveplan@<ref>, which runs this waveplan's own dist/) and run: steps run.\n" +
        "final-commit pushes to --repo over HTTP, through a local GitHub (REST API at GITHUB_API_URL) that applies GitHub's rules;\n" +
        "<out>/github.json records pull requests, commit statuses, refs, pushes and dispatches.\n" +
        "Use a bare repository (git clone --bare) to land on its checked-out branch. See docs/simulate.md.",
    )
    .action(async (file: string | undefined, flags: SimulateFlags) => {
      if (!file && !flags.rerunFailed) throw new UsageError("simulate needs a workflow file (or --rerun-failed <out>)");
      if (file && flags.rerunFailed)
        throw new UsageError("--rerun-failed continues an earlier run with its own workflow: do not pass a workflow file");
      if (flags.rerunFailed && (flags.repo || flags.out))
        throw new UsageError("--rerun-failed reuses the earlier run's repository and output folder: drop --repo/--out");
      // a job mostly waits (process start, artifact transfers, an agent's API calls), so more jobs than CPUs pay off
      const concurrency = flags.concurrency === undefined ? Math.max(4, 2 * availableParallelism()) : Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError("--concurrency must be a positive integer");
      const events = ["workflow_dispatch", "pull_request", "merge_group"] as const;
      const event = flags.event as (typeof events)[number] | undefined;
      if (event !== undefined && !events.includes(event))
        throw new UsageError(`--event must be one of ${events.join(", ")}, got "${flags.event}"`);
      if (flags.rerunFailed && (event || flags.head))
        throw new UsageError("--rerun-failed re-runs the earlier run's event: drop --event/--head");
      // evaluated only here: the simulator pulls in GitHub's workflow parser, which no other command
      // needs. "eager" keeps it inside dist/cli/index.js (no chunk files beside the one-file bundle).
      const [{ simulate, SimulateError }, { parsePairs, InputError }, { readRuleset, RulesetError }] = await Promise.all([
        import(/* webpackMode: "eager" */ "../../simulate/simulate.js"),
        import(/* webpackMode: "eager" */ "../../simulate/inputs.js"),
        import(/* webpackMode: "eager" */ "../../simulate/github-api/rulesets.js"),
      ]);
      const rulesets = await Promise.all(flags.ruleset.map((f) => readRuleset(f))).catch((e: unknown) => {
        throw e instanceof RulesetError ? new UsageError(e.message) : e;
      });
      const cancel = new AbortController();
      const onSignal = () => {
        if (cancel.signal.aborted) process.exit(130);
        process.stderr.write("\ncancelling the run (jobs with if: always() still run); press Ctrl-C again to stop now\n");
        cancel.abort();
      };
      process.on("SIGINT", onSignal);
      try {
        const result = await simulate({
          workflowFile: file,
          repo: flags.repo,
          out: flags.out,
          rerunFailed: flags.rerunFailed,
          failTask: flags.fail,
          concurrency,
          inputs: parsePairs(flags.input, "--input"),
          secrets: parsePairs(flags.secret, "--secret"),
          vars: parsePairs(flags.var, "--var"),
          runnerPath: flags.runnerPath,
          cacheDir: flags.cacheDir,
          event,
          head: flags.head,
          rules: {
            ...(flags.protect.length ? { protect: flags.protect } : {}),
            ...(flags.allowTokenPrs ? { allowTokenPrs: true } : {}),
            ...(rulesets.length ? { rulesets } : {}),
          },
          cwd: process.cwd(),
          write: (s) => process.stdout.write(s),
          cancelled: cancel.signal,
        });
        if (result.conclusion !== "success") process.exitCode = 1;
      } catch (e) {
        if (e instanceof InputError || e instanceof SimulateError) throw new UsageError(e.message);
        throw e;
      } finally {
        process.off("SIGINT", onSignal);
      }
    });
}
