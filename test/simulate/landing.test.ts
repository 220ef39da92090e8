import { generateKeyPairSync } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GitHubRecord } from "../../src/simulate/github-api/state.js";
import { compiledRepository, git, localRunTree, simulateCli, tempDir } from "./helpers.js";

const plan = (land: string) => `version: 1
name: Readme demo
instances:
  I1: { role: Writer }
  I2: { role: Reviewer }
land:
  message: "demo: notes"
${land}waves:
  - id: W1
    tasks:
      - { instance: I1, title: Write a, run: "echo a > a.txt" }
      - { instance: I2, title: Write b, run: "echo b > b.txt" }
  - id: W2
    tasks:
      - { instance: I1, title: Combine, run: "cat a.txt b.txt > notes.txt" }
`;

const record = (out: string) => JSON.parse(readFileSync(join(out, "github.json"), "utf8")) as GitHubRecord;
const finalLog = (out: string) => readFileSync(join(out, "attempt-1/final-commit/log.txt"), "utf8");

describe("README › Use it on GitHub, land.strategy: commit", () => {
  it("dispatched on a feature branch: the landing commit is the branch's head and carries final-commit = success; main untouched", async () => {
    const { work, github } = compiledRepository(plan(""));
    const main = git(github, "rev-parse", "main");
    // step 4: dispatch on a feature branch (in the simulator: the bare repository's HEAD)
    git(github, "branch", "waveplan-run", "main");
    git(github, "symbolic-ref", "HEAD", "refs/heads/waveplan-run");
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--protect", "main", "--out", out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const gh = record(out);
    const head = gh.refs["waveplan-run"];
    expect(head).not.toBe(main);
    expect(gh.refs.main).toBe(main);
    expect(gh.statuses[head]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
    expect(gh.pushes).toEqual([expect.objectContaining({ ref: "refs/heads/waveplan-run", triggersWorkflows: false })]);
    expect(git(github, "show", `${head}:notes.txt`)).toBe("a\nb");
  });

  it("dispatched on the protected main: final-commit fails explaining branch protection; main unchanged, no status", async () => {
    const { work, github } = compiledRepository(plan(""));
    const main = git(github, "rev-parse", "main");
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--protect", "main", "--out", out]);
    expect(r.code).toBe(1);
    expect(finalLog(out)).toContain("branch main is protected");
    expect(finalLog(out)).toContain("GH006: Protected branch update failed for refs/heads/main.");
    const gh = record(out);
    expect(gh.refs.main).toBe(main);
    expect(gh.statuses).toEqual({});
  });
});

describe("land.branch: a branch of the plan's own, dispatched again", () => {
  it("a second dispatch replaces the earlier landing of the plan on land.branch; a commit someone else pushed there is never overwritten", async () => {
    const { work, github } = compiledRepository(plan("  branch: plan/notes\n"));
    const dispatch = async () => {
      const out = join(tempDir(), "out");
      const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--out", out]);
      return { r, out };
    };
    const first = await dispatch();
    expect(first.r.code, first.r.stdout + first.r.stderr).toBe(0);
    const landed = git(github, "rev-parse", "plan/notes");
    // main moves on; the next run starts from there and lands on the same branch
    const clone = join(tempDir(), "clone");
    git(tempDir(), "clone", "-q", github, clone);
    git(clone, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "--allow-empty", "-m", "more work");
    git(clone, "push", "-q", "origin", "main");
    const second = await dispatch();
    expect(second.r.code, second.r.stdout + second.r.stderr).toBe(0);
    const relanded = git(github, "rev-parse", "plan/notes");
    expect(relanded).not.toBe(landed);
    expect(git(github, "rev-parse", "plan/notes^")).toBe(git(github, "rev-parse", "main"));
    expect(finalLog(second.out)).toContain(`(replacing ${landed.slice(0, 12)}, an earlier landing of this plan)`);
    // someone adds a commit on the plan's branch: the next run refuses to overwrite it
    git(clone, "fetch", "-q", "origin", "plan/notes");
    git(clone, "checkout", "-q", "-b", "notes", "FETCH_HEAD");
    git(clone, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "--allow-empty", "-m", "a reviewer's fix-up");
    git(clone, "push", "-q", "origin", "notes:plan/notes");
    const fixup = git(github, "rev-parse", "plan/notes");
    const third = await dispatch();
    expect(third.r.code).toBe(1);
    expect(finalLog(third.out)).toContain("branch plan/notes moved since the run started");
    expect(git(github, "rev-parse", "plan/notes")).toBe(fixup);
  });
});

describe("README › Use it on GitHub, land.strategy: pull-request", () => {
  const prPlan = plan("  strategy: pull-request\n");

  it('with "Allow GitHub Actions to create and approve pull requests" on: one open pull request whose head carries final-commit = success', async () => {
    const { work, github } = compiledRepository(prPlan);
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [
      ".github/workflows/plan.yml",
      "--repo",
      github,
      "--protect",
      "main",
      "--allow-token-prs",
      "--out",
      out,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const gh = record(out);
    expect(gh.pulls).toEqual([
      expect.objectContaining({
        number: 1,
        head: "waveplan/readme-demo",
        base: "main",
        state: "open",
        headSha: gh.refs["waveplan/readme-demo"],
      }),
    ]);
    const head = gh.pulls[0].headSha as string;
    expect(gh.statuses[head]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
    expect(gh.statuses[head][0].targetUrl).toMatch(/^https:\/\/github\.com\/local\/github\/actions\/runs\/\d+$/);
  });

  it("with the setting off (GitHub's default): exit 1 naming the setting and the pushed branch", async () => {
    const { work, github } = compiledRepository(prPlan);
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--protect", "main", "--out", out]);
    expect(r.code).toBe(1);
    expect(finalLog(out)).toContain('"Allow GitHub Actions to create and approve pull requests"');
    expect(finalLog(out)).toContain("pushed to branch waveplan/readme-demo");
    expect(record(out).pulls).toEqual([]);
    // the status went on before the refused creation: a pull request opened by hand finds it on its head
    const gh = record(out);
    expect(gh.statuses[gh.refs["waveplan/readme-demo"]]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
    expect(finalLog(out)).toContain("Its head already carries final-commit = success");
  });

  it("with a token from a secret (github.token-secret): the pull request opens though the setting is off, and its push starts CI", async () => {
    const { work, github } = compiledRepository(plan("  strategy: pull-request\ngithub:\n  token-secret: WAVEPLAN_TOKEN\n"));
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [
      ".github/workflows/plan.yml",
      "--repo",
      github,
      "--protect",
      "main",
      "--secret",
      "WAVEPLAN_TOKEN=github_pat_readmeDemo0123456789",
      "--out",
      out,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const gh = record(out);
    expect(gh.pulls).toEqual([expect.objectContaining({ state: "open", openedBy: "secret WAVEPLAN_TOKEN" })]);
    expect(gh.pushes).toEqual([expect.objectContaining({ triggersWorkflows: true })]);
    expect(gh.statuses[gh.pulls[0].headSha as string]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
    expect(readFileSync(join(out, "github.json"), "utf8")).not.toContain("github_pat_readmeDemo0123456789");
  });
});

describe("README › Use it on GitHub, with a GitHub App (github.app, actions/create-github-app-token emulated)", () => {
  const appPlan = `version: 1
name: App demo
instances:
  I1: { role: DevOps }
land:
  strategy: pull-request
  message: "ci: add a workflow"
github:
  app: { client-id: WAVEPLAN_APP_ID, private-key-secret: WAVEPLAN_APP_KEY }
waves:
  - id: W1
    tasks:
      - { instance: I1, title: Add CI, run: "mkdir -p .github/workflows && echo 'on: push' > .github/workflows/ci.yml" }
`;
  const CLIENT_ID = "Iv23liReadmeDemo";
  const privateKey = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  const logs = (out: string) =>
    readdirSync(join(out, "attempt-1"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith("log.txt"))
      .map((f) => readFileSync(join(out, "attempt-1", f), "utf8"))
      .join("\n");

  it("with main protected and the setting off: the App opens the pull request, lands the workflow file, its push starts CI, the token is masked", async () => {
    const { work, github } = compiledRepository(appPlan);
    const main = git(github, "rev-parse", "main");
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [
      ".github/workflows/plan.yml",
      "--repo",
      github,
      "--protect",
      "main",
      "--var",
      `WAVEPLAN_APP_ID=${CLIENT_ID}`,
      "--secret",
      `WAVEPLAN_APP_KEY=${privateKey}`,
      "--out",
      out,
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const gh = record(out);
    // an App installation token's pull request and push start workflows (docs "Triggering a workflow" ›
    // "Triggering a workflow from a workflow"); the setting only governs GITHUB_TOKEN
    expect(gh.pulls).toEqual([
      expect.objectContaining({ state: "open", base: "main", openedBy: `GitHub App ${CLIENT_ID}`, triggersWorkflows: true }),
    ]);
    const head = gh.pulls[0].headSha as string;
    expect(gh.pushes).toEqual([expect.objectContaining({ by: `GitHub App ${CLIENT_ID}`, triggersWorkflows: true })]);
    expect(git(github, "show", `${head}:.github/workflows/ci.yml`)).toBe("on: push");
    expect(gh.statuses[head]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
    expect(gh.refs.main).toBe(main);
    // the minted token (ghs_…) is masked by the step (core.setSecret) and never written anywhere
    const text = logs(out);
    expect(finalLog(out)).toContain("Creating token for this repository");
    // the runner prints the finalize step's inputs (actions/runner Handler.cs PrintActionDetails): masked
    expect(finalLog(out)).toMatch(/s {3}token: \*\*\*$/m);
    expect(text).not.toMatch(/ghs_[A-Za-z0-9_-]{20,}/);
    expect(text).not.toContain("PRIVATE KEY");
    expect(readFileSync(join(out, "github.json"), "utf8")).not.toMatch(/ghs_|PRIVATE KEY/);
  });

  it("without the App's client ID variable: the step fails with the action's message, nothing is pushed, no status", async () => {
    const { work, github } = compiledRepository(appPlan);
    const before = git(github, "for-each-ref");
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [
      ".github/workflows/plan.yml",
      "--repo",
      github,
      "--secret",
      `WAVEPLAN_APP_KEY=${privateKey}`,
      "--out",
      out,
    ]);
    expect(r.code).toBe(1);
    // create-github-app-token v3.1.1 main.js
    expect(finalLog(out)).toContain("The 'client-id' (or deprecated 'app-id') input must be set to a non-empty string.");
    const gh = record(out);
    expect(gh.pushes).toEqual([]);
    expect(gh.pulls).toEqual([]);
    expect(gh.statuses).toEqual({});
    expect(git(github, "for-each-ref")).toBe(before);
  });
});

describe("parallel edits merge the way git merges them (issue 23): the same tree on GitHub and locally", () => {
  const TEN = `${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join("\n")}\n`;
  const mergePlan = (second: string) => `version: 1
name: Merge demo
instances:
  I1: { role: Router }
  I2: { role: Deps }
  I3: { role: Reader }
waves:
  - id: W1
    tasks:
      - { id: top, instance: I1, run: "sed -i 's/^line 2$/two/' app.py && echo '.aider*' >> .gitignore && echo bob >> names.list" }
      - { id: bottom, instance: I2, run: "${second} && echo '.aider*' >> .gitignore && echo carol >> names.list" }
  - id: W2
    tasks:
      - { id: read, instance: I3, run: "cp app.py seen.txt && cp .gitignore seen-ignore.txt" }
`;

  function mergeRepository(planText: string): { work: string; github: string } {
    const { work } = compiledRepository(planText);
    writeFileSync(join(work, "app.py"), TEN);
    writeFileSync(join(work, "names.list"), "alice\n");
    writeFileSync(join(work, ".gitattributes"), "*.list merge=union\n");
    git(work, "add", "-A");
    git(work, "commit", "-qm", "files the tasks edit");
    const github = join(tempDir(), "github.git");
    git(work, "clone", "-q", "--bare", work, github);
    return { work, github };
  }

  it("different lines of one file both land, the same line added twice lands once, merge=union keeps both; local run and simulate land the same tree", async () => {
    const { work, github } = mergeRepository(mergePlan("sed -i 's/^line 9$/nine/' app.py"));
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--out", out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const merged = TEN.replace("line 2\n", "two\n").replace("line 9\n", "nine\n").trimEnd();
    expect(git(github, "show", "main:app.py")).toBe(merged);
    expect(git(github, "show", "main:.gitignore")).toBe(".aider*");
    expect(git(github, "show", "main:names.list")).toBe("alice\nbob\ncarol");
    // the downstream job saw the merged tree
    expect(git(github, "show", "main:seen.txt")).toBe(merged);
    expect(git(github, "show", "main:seen-ignore.txt")).toBe(".aider*");
    // byte for byte: the same tree object as `waveplan run` lands from the same commit
    expect(git(github, "rev-parse", "main^{tree}")).toBe(localRunTree({ work, plan: "plan.yml" }));
  });

  it("an overlapping edit fails naming both tasks, the file and the lines; nothing lands", async () => {
    const { work, github } = mergeRepository(mergePlan("sed -i 's/^line 2$/TWO/' app.py"));
    const main = git(github, "rev-parse", "main");
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--out", out]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      'conflict: parallel tasks "top" and "bottom" of wave "W1" change app.py in ways that do not merge',
    );
    expect(r.stdout + r.stderr).toContain('app.py: "top" line 2, "bottom" line 2');
    expect(git(github, "rev-parse", "main")).toBe(main);
    expect(record(out).pushes).toEqual([]);
  });
});
