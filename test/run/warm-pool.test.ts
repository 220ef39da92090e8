/**
 * Slots kept between runs (issue 14): a finished run leaves its slots tidied for the next run, which
 * adopts them without checking out every file again — and still starts every task from exactly its
 * materialized tree, whatever happened to the slots or the repository in between. Every task here
 * checks its own starting folder with `git status` (the slot's HEAD is the materialized commit and its
 * index waveplan's), so a slot that caught up wrongly fails the task that uses it.
 */
import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { VerifiedCheckpoint } from "../../src/checkpoint/verify.js";
import { patchesToCatchUp } from "../../src/run/slots.js";
import { cli, git, makeRepo, requireBundle } from "../support/repo.js";
import { expectNoLeftovers, expectOk, run, treeFiles, type WaveSpec, writePlan } from "./helpers.js";

beforeAll(requireBundle);

/** Fails the task unless its folder is exactly its materialized commit (nothing staged, changed, untracked or ignored). */
const PRISTINE = 'test -z "$(git status --porcelain --ignored --untracked-files=all)" || { git status --porcelain --ignored; exit 9; }';

function cp(id: string, files: string[], bytes = 1): VerifiedCheckpoint {
  return { record: { task: { id }, patch: { files, bytes } }, patchFile: `${id}.patch` } as unknown as VerifiedCheckpoint;
}
const ids = (cps: VerifiedCheckpoint[] | undefined) => cps?.map((c) => c.record.task.id);

describe("patchesToCatchUp: what a slot lacks to be its next task's upstream tree", () => {
  it("a chain's next task: nothing; a parallel sibling's slot: the other siblings' patches, in plan order, without its own", () => {
    expect(ids(patchesToCatchUp(["a", "b"], [cp("a", ["x"]), cp("b", ["y"])]))).toEqual([]);
    const wave = [cp("a", ["x"]), cp("b1", ["y"]), cp("b2", ["z"]), cp("b3", ["w"])];
    expect(ids(patchesToCatchUp(["a", "b2"], wave))).toEqual(["b1", "b3"]);
    // two waves later: the siblings, then the next wave
    expect(ids(patchesToCatchUp(["a", "b2"], [...wave, cp("c", ["x"])]))).toEqual(["b1", "b3", "c"]);
    // empty patches need no apply
    expect(ids(patchesToCatchUp(["a", "b2"], [cp("a", ["x"]), cp("b1", [], 0), cp("b2", ["z"])]))).toEqual([]);
  });

  it("anything else (another chain, a task that is not upstream, an earlier patch on the same file) is left to a checkout", () => {
    expect(patchesToCatchUp(["a", "b"], [cp("z", ["x"]), cp("b", ["y"])])).toBeUndefined();
    expect(patchesToCatchUp(["a", "b"], [cp("a", ["x"]), cp("c", ["y"])])).toBeUndefined();
    expect(patchesToCatchUp(["a", "b"], [cp("a", ["x"])])).toBeUndefined();
    expect(patchesToCatchUp(["a", "b2"], [cp("a", ["x"]), cp("b1", ["y", "same"]), cp("b2", ["same"])])).toBeUndefined();
    expect(patchesToCatchUp([], [cp("a", ["x"])])).toBeUndefined();
  });

  it("siblings that change one file between them are merged, not applied in turn: left to a checkout of the merge", () => {
    // parallel siblings cite the same upstream chain (engine/siblings.ts)
    const sib = (id: string, files: string[]) => {
      const c = cp(id, files);
      (c.record as { upstream: unknown }).upstream = [{ task: "a", record: "r" }];
      return c;
    };
    const disjoint = [cp("a", ["x"]), sib("b1", ["y"]), sib("b2", ["z"]), sib("b3", ["w"])];
    expect(ids(patchesToCatchUp(["a", "b2"], disjoint))).toEqual(["b1", "b3"]);
    const tangled = [cp("a", ["x"]), sib("b1", ["same"]), sib("b2", ["z"]), sib("b3", ["same"])];
    expect(patchesToCatchUp(["a", "b2"], tangled)).toBeUndefined();
  });
});

describe("the slot pool kept between runs", () => {
  const waves: WaveSpec[] = [
    {
      id: "W1",
      tasks: [
        { id: "a1", instance: "I1", run: `${PRISTINE}\nprintf '\\000\\001bin' > blob.bin && echo x > tool.sh && chmod +x tool.sh` },
        { id: "a2", instance: "I2", run: `${PRISTINE}\ngit rm -q old.txt && echo ignored > debug.log` },
        { id: "a3", instance: "I3", run: `${PRISTINE}\nmkdir -p deep/er && echo 3 > deep/er/three.txt` },
      ],
    },
    {
      id: "W2",
      tasks: [
        {
          id: "b1",
          instance: "I1",
          run: `${PRISTINE}\ntest -x tool.sh && test ! -e old.txt && test ! -e debug.log && echo more >> deep/er/three.txt`,
        },
        { id: "b2", instance: "I2", run: `${PRISTINE}\nprintf 'new' > blob.bin && echo b2 > shared.txt` },
      ],
    },
    {
      id: "W3",
      mode: "sequential",
      tasks: [
        { id: "c1", instance: "I1", run: `${PRISTINE}\ntest "$(cat shared.txt)" = b2 && echo c1 >> shared.txt` },
        { id: "c2", instance: "I1", run: `${PRISTINE}\necho c2 >> shared.txt && rm -r deep` },
        { id: "c3", instance: "I1", run: `${PRISTINE}\ntest "$(cat shared.txt)" = "$(printf 'b2\\nc1\\nc2')" && test ! -e deep` },
      ],
    },
  ];

  it("a second run reuses the slots' files (same inodes), starts every task from its exact tree, and lands the same change", async () => {
    const repo = makeRepo({ "old.txt": "old\n", "keep.txt": "keep\n", ".gitignore": "*.log\n" });
    const plan = writePlan(repo, waves);
    const base = git(repo, "rev-parse", "HEAD");
    expectOk(await run(repo, plan));
    const first = git(repo, "rev-parse", "HEAD^{tree}");
    expectNoLeftovers(repo);
    const slots = join(repo, ".waveplan/slots");
    expect(readdirSync(slots).filter((n) => /^s-\d+$/.test(n))).toEqual(["s-0", "s-1", "s-2"]);
    const inode = statSync(join(slots, "s-0", "keep.txt")).ino;

    git(repo, "reset", "-q", "--hard", base);
    expectOk(await run(repo, plan));
    expect(git(repo, "rev-parse", "HEAD^{tree}")).toBe(first);
    expect(statSync(join(slots, "s-0", "keep.txt")).ino).toBe(inode); // not checked out again
    expectNoLeftovers(repo);
  });

  it("what changed in between — a new commit, slot files edited, added, made unwritable or ignored — never reaches a task", async () => {
    const repo = makeRepo({ "old.txt": "old\n", "keep.txt": "keep\n", ".gitignore": "*.log\n" });
    const plan = writePlan(repo, waves);
    expectOk(await run(repo, plan));
    const slots = join(repo, ".waveplan/slots");
    for (const s of ["s-0", "s-1", "s-2"]) {
      writeFileSync(join(slots, s, "keep.txt"), "edited in the slot\n");
      writeFileSync(join(slots, s, "stray.txt"), "stray\n");
      writeFileSync(join(slots, s, "noise.log"), "ignored\n");
    }
    const withDeep = ["s-0", "s-1", "s-2"].filter((s) => existsSync(join(slots, s, "deep")));
    expect(withDeep.length).toBeGreaterThan(0);
    for (const s of withDeep) chmodSync(join(slots, s, "deep"), 0o500);
    chmodSync(join(slots, "s-2", "keep.txt"), 0o000);
    // the user moves on: a new commit that changes, adds and removes files
    writeFileSync(join(repo, "keep.txt"), "kept, version 2\n");
    writeFileSync(join(repo, "old.txt"), "old, version 2\n");
    writeFileSync(join(repo, "added.txt"), "added\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "version 2");
    const plan2 = writePlan(repo, [
      ...waves,
      {
        id: "W4",
        tasks: [{ id: "d1", instance: "I1", run: `${PRISTINE}\ngrep -q 'version 2' keep.txt && test -e added.txt && test ! -e stray.txt` }],
      },
    ]);
    const r = await run(repo, plan2);
    expectOk(r);
    expect(git(repo, "show", "HEAD:keep.txt")).toBe("kept, version 2");
    expect(treeFiles(repo)).toEqual([".gitignore", "added.txt", "blob.bin", "keep.txt", "shared.txt", "tool.sh"]);
    expectNoLeftovers(repo);
  });

  it("`waveplan clean` removes the slots and the run repository; the next run makes them again", async () => {
    const repo = makeRepo({ "old.txt": "old\n", "keep.txt": "keep\n", ".gitignore": "*.log\n" });
    const plan = writePlan(repo, waves);
    expectOk(await run(repo, plan));
    const r = await cli(repo, ["clean"]);
    expect(r.stdout).toMatch(/^removed 3 slots and the run repository from /);
    expect(r.code).toBe(0);
    expect(existsSync(join(repo, ".waveplan/slots"))).toBe(false);
    expect(existsSync(join(repo, ".waveplan/git"))).toBe(false);
    expect(existsSync(join(repo, ".waveplan/runs"))).toBe(true); // runs and checkpoints stay
    git(repo, "reset", "-q", "--hard", "HEAD^");
    expectOk(await run(repo, plan));
    expectNoLeftovers(repo);
  });
});
