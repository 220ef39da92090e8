/**
 * The pure parts of merging parallel siblings (issue 23): which checkpoints are siblings and which of
 * them need a merge (engine/siblings.ts), the `.gitattributes` the merge reads (engine/merge-attributes.ts),
 * and the words of a conflict (engine/conflict-report.ts).
 */
import { describe, expect, it } from "vitest";
import type { VerifiedCheckpoint } from "../../src/checkpoint/verify.js";
import { conflictHunks, conflictMessage, lineRange } from "../../src/engine/conflict-report.js";
import { supportsMergeTree } from "../../src/engine/merge.js";
import { attributeFolders, flattenAttributes } from "../../src/engine/merge-attributes.js";
import { combineSteps, entangled, groupBoundaries, needsMerge, siblingGroups } from "../../src/engine/siblings.js";

function cp(id: string, files: string[], upstream: string[] | undefined, bytes = 1): VerifiedCheckpoint {
  return {
    record: { task: { id }, patch: { files, bytes }, upstream: upstream?.map((task) => ({ task, record: `r-${task}` })) },
  } as unknown as VerifiedCheckpoint;
}
const ids = (cps: Iterable<VerifiedCheckpoint>) => [...cps].map((c) => c.record.task.id);

describe("siblings", () => {
  // W1: a, b (parallel); W2: a chain c → d; W3: e, f (parallel)
  const a = cp("a", ["app.py"], []);
  const b = cp("b", ["app.py", "b.txt"], []);
  const c = cp("c", ["app.py"], ["a", "b"]);
  const d = cp("d", ["app.py"], ["a", "b", "c"]);
  const e = cp("e", ["x"], ["a", "b", "c", "d"]);
  const f = cp("f", ["y"], ["a", "b", "c", "d"]);

  it("groups consecutive checkpoints that cite the same upstream chain; a chain's links and records without one stand alone", () => {
    expect(siblingGroups([a, b, c, d, e, f]).map(ids)).toEqual([["a", "b"], ["c"], ["d"], ["e", "f"]]);
    expect(siblingGroups([cp("p", ["x"], undefined), cp("q", ["x"], undefined)]).map(ids)).toEqual([["p"], ["q"]]);
    expect([...groupBoundaries([a, b, c, d, e, f])]).toEqual([0, 2, 3, 4, 6]);
  });

  it("entangled: siblings sharing a path, or a file where another has a folder; folders shared by files are not a clash", () => {
    expect(ids(entangled([a, b]))).toEqual(["a", "b"]);
    expect(ids(entangled([cp("p", ["x/a"], []), cp("q", ["x/b"], [])]))).toEqual([]);
    expect(ids(entangled([cp("p", ["x"], []), cp("q", ["x/y/z"], []), cp("r", ["w"], [])]))).toEqual(["p", "q"]);
    // a task that turns its own file into a folder clashes with nobody
    expect(ids(entangled([cp("p", ["x", "x/y"], []), cp("q", ["z"], [])]))).toEqual([]);
    // an empty patch touches nothing
    expect(ids(entangled([cp("p", ["x"], [], 0), cp("q", ["x"], [])]))).toEqual([]);
  });

  it("combineSteps: disjoint siblings and chains join one run of patches; entangled siblings merge after the free ones apply", () => {
    const steps = combineSteps([a, b, c, d, e, f]);
    expect(steps.map((s) => ("apply" in s ? { apply: ids(s.apply) } : { free: ids(s.free), merge: ids(s.entangled) }))).toEqual([
      { free: [], merge: ["a", "b"] },
      { apply: ["c", "d", "e", "f"] },
    ]);
    const g = cp("g", ["free.txt"], []);
    expect(combineSteps([a, g, b]).map((s) => ("apply" in s ? ids(s.apply) : [ids(s.free), ids(s.entangled)]))).toEqual([
      [["g"], ["a", "b"]],
    ]);
    expect(needsMerge([c, d, e, f])).toBe(false);
    expect(needsMerge([a, b])).toBe(true);
  });
});

describe("merge attributes", () => {
  it("scopes nested .gitattributes to their folder, deeper files last, macros only from the top", () => {
    const flat = flattenAttributes([
      { dir: "sub/deep", content: "*.txt -merge\n" },
      { dir: "", content: "# comment\n*.list merge=union\n/top.txt merge=union\n[attr]mine merge=union\n" },
      { dir: "sub", content: "*.txt merge=union\ndocs/a.md merge=union\n/b.md merge=union\n[attr]ignored merge=union\n" },
    ]);
    expect(flat).toBe(
      [
        "*.list merge=union",
        "/top.txt merge=union",
        "[attr]mine merge=union",
        "/sub/**/*.txt merge=union",
        "/sub/docs/a.md merge=union",
        "/sub/b.md merge=union",
        "/sub/deep/**/*.txt -merge",
        "",
      ].join("\n"),
    );
  });

  it("keeps only built-in merge drivers: any other driver name merges as text; quoted patterns stay quoted", () => {
    expect(flattenAttributes([{ dir: "", content: 'lock.json merge=npm-merge-driver text\n"a b.txt" merge=binary\n' }])).toBe(
      'lock.json merge=text text\n"a b.txt" merge=binary\n',
    );
    expect(flattenAttributes([{ dir: "", content: "[attr]evil merge=run-me\n" }])).toBe("[attr]evil merge=text\n");
  });

  it("reads the .gitattributes of every folder above the changed paths, the top first", () => {
    expect(attributeFolders(["a/b/c.txt", "a/d.txt", "e.txt"])).toEqual(["", "a", "a/b"]);
  });
});

describe("conflict report", () => {
  const merged = [
    "same 1",
    "<<<<<<< OURS",
    "ours 2",
    "ours 3",
    "=======",
    "theirs 2",
    ">>>>>>> THEIRS",
    "same 4",
    "<<<<<<< OURS",
    "=======",
    "theirs added",
    ">>>>>>> THEIRS",
    "same 5",
    "",
  ].join("\n");

  it("finds each region with the lines it has in each side's version of the file", () => {
    const hunks = conflictHunks(merged, "OURS", "THEIRS");
    expect(hunks).toEqual([
      { ours: { start: 2, lines: ["ours 2", "ours 3"] }, theirs: { start: 2, lines: ["theirs 2"] } },
      { ours: { start: 5, lines: [] }, theirs: { start: 4, lines: ["theirs added"] } },
    ]);
    expect(hunks.map((h) => [lineRange(h.ours), lineRange(h.theirs)])).toEqual([
      ["lines 2-3", "line 2"],
      ["removes them (at line 5)", "line 4"],
    ]);
    // other labels are file content, not markers
    expect(conflictHunks(merged, "X", "THEIRS")).toEqual([]);
  });

  it("names both tasks, the wave, each path with its lines and markers, git's words for the rest, and the ways past it", () => {
    const message = conflictMessage({
      wave: "W1",
      ours: "a",
      theirs: "b",
      conflicts: [
        { path: "app.py", hunks: conflictHunks(merged, "OURS", "THEIRS") },
        { path: "gone.txt", message: 'CONFLICT (modify/delete): gone.txt deleted in "b" and modified in "a".' },
      ],
    });
    expect(message.split("\n")).toEqual([
      'conflict: parallel tasks "a" and "b" of wave "W1" change app.py, gone.txt in ways that do not merge:',
      '  app.py: "a" lines 2-3, "b" line 2; "a" removes them (at line 5), "b" line 4',
      "    <<<<<<< a",
      "    ours 2",
      "    ours 3",
      "    =======",
      "    theirs 2",
      "    >>>>>>> b",
      "    <<<<<<< a",
      "    =======",
      "    theirs added",
      "    >>>>>>> b",
      '  gone.txt: CONFLICT (modify/delete): gone.txt deleted in "b" and modified in "a".',
      "Nothing was landed. To get past it: run one of them again (`waveplan run <plan> --resume --redo b`; an agent may well edit differently), move one of them to a later wave, or put both in a sequential wave.",
    ]);
  });

  it("cuts a long side, and names every task when only their combination conflicts", () => {
    const long = ["<<<<<<< O", ...Array.from({ length: 20 }, (_, i) => `o${i}`), "=======", "t", ">>>>>>> T", ""].join("\n");
    const message = conflictMessage({
      wave: "W",
      ours: "a + b",
      theirs: "c",
      combined: ["a", "b"],
      conflicts: [{ path: "f", hunks: conflictHunks(long, "O", "T") }],
    });
    expect(message).toContain('conflict: parallel tasks "a", "b", "c" of wave "W" change f');
    expect(message).toContain("    … (8 more lines)");
    expect(message).not.toContain("o12");
  });
});

describe("git version", () => {
  it("merge-tree --write-tree needs git 2.38", () => {
    expect(supportsMergeTree("git version 2.39.5")).toBe(true);
    expect(supportsMergeTree("git version 2.38.0")).toBe(true);
    expect(supportsMergeTree("git version 2.45.1.windows.1")).toBe(true);
    expect(supportsMergeTree("git version 3.0.0")).toBe(true);
    expect(supportsMergeTree("git version 2.34.1")).toBe(false);
    expect(supportsMergeTree("git version 2.39.3 (Apple Git-146)")).toBe(true);
    expect(supportsMergeTree("")).toBe(false);
  });
});
