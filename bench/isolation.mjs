// Benchmark: the cost of a task's isolation, slots (a folder with its own .git borrowing objects, read
// and written through waveplan's own git dir and index — src/run/slots.ts) against the git worktrees
// used before (a linked worktree of the user's repository, plus the guard that compared the user's
// refs/config/hooks before and after each task). Both are driven with the same git commands the
// runner issues, per task: make the folder the next materialized commit, run a task that writes one
// file, capture the change. Then the whole runner end to end (6 waves x 4 tasks of sleep 0.4, the
// issue-14 shape) against the ideal and bash; with BENCH_BASELINE_CLI=<an older bin/waveplan.js>
// the same plan also runs under that build. Every figure comes from this one run.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, fixed, makeRepo, printTable, run, timed } from "./lib.mjs";

const sizes = (process.env.BENCH_SIZES ?? "1000,10000").split(",").map(Number);
const TASKS = Number(process.env.BENCH_TASKS ?? 20);

const git = (cwd, args, env = {}) => run("git", args, { cwd, env: { ...process.env, ...env } }).stdout.trim();

/** Two commits on top of HEAD that differ in a few files, as consecutive materialized trees do. */
function materialized(repo) {
  const base = git(repo, ["rev-parse", "HEAD"]);
  const commits = [base];
  for (let i = 0; i < 2; i++) {
    const idx = join(mkdtempSync(join(tmpdir(), "waveplan-bench-idx-")), "index");
    const env = { GIT_INDEX_FILE: idx };
    git(repo, ["read-tree", base], env);
    const blob = run("git", ["hash-object", "-w", "--stdin"], { cwd: repo, input: `upstream ${i}\n` }).stdout.trim();
    git(repo, ["update-index", "--add", "--cacheinfo", `100644,${blob},up/${i}.txt`], env);
    const tree = git(repo, ["write-tree"], env);
    commits.push(run("git", ["commit-tree", tree, "-p", base], { cwd: repo, input: "m\n" }).stdout.trim());
  }
  return commits;
}

function worktreeDesign(repo, commits) {
  const path = join(repo, ".waveplan", "worktrees", "wt-0");
  const setup = timed(() => git(repo, ["worktree", "add", "-q", "--detach", "--no-checkout", "--force", path, commits[0]]));
  const perTask = timed(() => {
    for (let t = 0; t < TASKS; t++) {
      const c = commits[t % commits.length];
      git(path, ["checkout", "-q", "-f", "--detach", c]);
      git(path, ["clean", "-q", "-ffdx"]);
      // the guard: the user's refs and git dirs before and after the task
      git(path, ["rev-parse", "--path-format=absolute", "--git-common-dir", "--git-dir"]);
      git(repo, ["for-each-ref", "--format=%(objectname) %(refname) %(symref)", "refs/heads", "refs/tags"]);
      writeFileSync(join(path, `task-${t}.txt`), `${t}\n`);
      git(repo, ["for-each-ref", "--format=%(objectname) %(refname) %(symref)", "refs/heads", "refs/tags"]);
      git(path, ["add", "-A"]);
      git(path, ["diff", "--cached", "--no-renames", c, "--binary", "--full-index"]);
      git(path, ["diff", "--cached", "--no-renames", c, "--numstat", "-z"]);
    }
  });
  git(repo, ["worktree", "remove", "--force", "--force", path]);
  return { setupMs: setup.ms, perTaskMs: perTask.ms / TASKS };
}

function slotDesign(repo, commits) {
  const runGit = join(repo, ".waveplan", "git");
  const dir = join(repo, ".waveplan", "slots", "s-0");
  const index = `${dir}.index`;
  const env = { GIT_DIR: runGit, GIT_WORK_TREE: dir, GIT_INDEX_FILE: index };
  const freshGitDir = (c) => {
    const dotGit = join(dir, ".git");
    rmSync(dotGit, { recursive: true, force: true });
    for (const d of ["objects/info", "objects/pack", "refs/heads", "refs/tags", "info"]) mkdirSync(join(dotGit, d), { recursive: true });
    writeFileSync(join(dotGit, "HEAD"), `${c}\n`);
    writeFileSync(join(dotGit, "config"), "[core]\n\trepositoryformatversion = 0\n\tbare = false\n");
    writeFileSync(join(dotGit, "objects/info/alternates"), `${join(runGit, "objects")}\n`);
    cpSync(index, join(dotGit, "index"));
  };
  const setup = timed(() => {
    git(repo, ["init", "-q", "--bare", runGit]);
    writeFileSync(join(runGit, "objects/info/alternates"), `${join(repo, ".git/objects")}\n`);
    mkdirSync(dir, { recursive: true });
  });
  const perTask = timed(() => {
    for (let t = 0; t < TASKS; t++) {
      const c = commits[t % commits.length];
      git(dir, ["read-tree", "--reset", "-u", c], env);
      git(dir, ["clean", "-q", "-ffdx"], env);
      run("git", ["update-index", "-q", "--refresh"], { cwd: dir, env: { ...process.env, ...env } }); // fresh stat info, as the runner does
      freshGitDir(c);
      writeFileSync(join(dir, `task-${t}.txt`), `${t}\n`);
      git(dir, ["add", "-A"], env);
      git(dir, ["diff", "--cached", "--no-renames", c, "--raw", "--numstat", "-z"], env);
      git(dir, ["diff", "--cached", "--no-renames", c, "--binary", "--full-index"], env);
    }
  });
  rmSync(join(repo, ".waveplan"), { recursive: true, force: true });
  return { setupMs: setup.ms, perTaskMs: perTask.ms / TASKS };
}

const rows = [];
const json = [];
for (const files of sizes) {
  const repo = makeRepo(files);
  const commits = materialized(repo);
  // the first task in a new worktree/slot checks out every file: measured by the first of TASKS
  const wt = worktreeDesign(repo, commits);
  const slot = slotDesign(repo, commits);
  rows.push([
    files,
    fixed(wt.setupMs),
    fixed(wt.perTaskMs),
    fixed(slot.setupMs),
    fixed(slot.perTaskMs),
    fixed(slot.perTaskMs / wt.perTaskMs),
  ]);
  json.push({ files, worktree: wt, slot, slotVsWorktree: fixed(slot.perTaskMs / wt.perTaskMs, 3) });
}
printTable(
  `isolation per task (${TASKS} tasks in one folder, each: materialize, write a file, capture)`,
  ["files", "worktree setup ms", "worktree ms/task", "slot setup ms", "slot ms/task", "slot/worktree"],
  rows,
);

// end to end: 6 waves x 4 tasks of sleep 0.4 (ideal 2.4 s), 1k files
const WAVES = 6;
const WIDTH = 4;
const SLEEP = 0.4;
const idealMs = WAVES * SLEEP * 1000;
const lines = ["version: 1", "name: bench", "instances:", "  I1: { role: Worker }", "waves:"];
for (let w = 0; w < WAVES; w++) {
  lines.push(`  - id: W${w}`, "    tasks:");
  for (let t = 0; t < WIDTH; t++) lines.push("      - instance: I1", `        run: sleep ${SLEEP} && echo ${w}-${t} > out-${w}-${t}.txt`);
}
const bashLines = ["set -e"];
for (let w = 0; w < WAVES; w++) {
  for (let t = 0; t < WIDTH; t++) bashLines.push(`(sleep ${SLEEP} && echo ${w}-${t} > out-${w}-${t}.txt) &`);
  bashLines.push("wait");
}
const e2e = [];
const clis = [["this build", cli], ...(process.env.BENCH_BASELINE_CLI ? [["baseline", process.env.BENCH_BASELINE_CLI]] : [])];
const repo = makeRepo(1000);
const planFile = join(repo, "..", "plan.yml");
writeFileSync(planFile, `${lines.join("\n")}\n`);
writeFileSync(join(repo, "..", "orchestrate.sh"), `${bashLines.join("\n")}\n`);
const bash = timed(() => run("bash", [join(repo, "..", "orchestrate.sh")], { cwd: repo }));
run("git", ["clean", "-qfd"], { cwd: repo });
const results = {};
for (const [name, bin] of clis) {
  const base = git(repo, ["rev-parse", "HEAD"]);
  const r = timed(() => run("node", [bin, "run", planFile], { cwd: repo }));
  git(repo, ["reset", "-q", "--hard", base]);
  results[name] = r.ms;
  e2e.push([
    name,
    fixed(r.ms / 1000),
    fixed(bash.ms / 1000),
    fixed(idealMs / 1000),
    fixed(r.ms / idealMs),
    Math.round((r.ms - idealMs) / WAVES),
  ]);
}
printTable(
  `end to end: ${WAVES} waves x ${WIDTH} tasks of sleep ${SLEEP}s, 1k files`,
  ["runner", "wall s", "bash s", "ideal s", "wall/ideal", "overhead/wave ms"],
  e2e,
);
if (results.baseline) console.log(`this build / baseline wall time: ${fixed(results["this build"] / results.baseline)}`);
console.log(
  JSON.stringify({
    bench: "isolation",
    perTask: json,
    endToEnd: { idealMs, bashMs: Math.round(bash.ms), ...Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(v)])) },
  }),
);
