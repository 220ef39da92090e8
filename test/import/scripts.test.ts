import { describe, expect, it } from "vitest";
import { reviewScript, writesFile } from "../../src/import/scripts.js";

const lines = (...text: string[]) => text.map((t, i) => ({ text: t, index: 10 + i }));

describe("writesFile", () => {
  it.each([
    ["echo done > WAVE_0.txt", true],
    ['echo done >> "./WAVE_0.txt"', true],
    ["touch -a WAVE_0.txt", true],
    ["date | tee -a WAVE_0.txt", true],
    ["cp build/x WAVE_0.txt", true],
    ["cat WAVE_0.txt", false],
    ["echo WAVE_0.txt > other.txt", false],
    ["# echo > WAVE_0.txt", false],
    ["run 2>&1 | grep WAVE_0.txt", false],
  ])("%s → %s", (script, want) => {
    expect(writesFile(script, "WAVE_0.txt")).toBe(want);
  });
});

describe("reviewScript", () => {
  it("comments out a lone absolute cd and reports it with its line", () => {
    const r = reviewScript(lines('cd "/Users/me/My Project"', "git status"));
    expect(r.script).toBe('# cd "/Users/me/My Project"  # disabled by waveplan import: tasks start at the repository root\ngit status\n');
    expect(r.findings.map((f) => [f.index, f.rule])).toEqual([[10, "absolute-cd"]]);
  });

  it("only warns about a cd combined with other commands, and about commits and pushes", () => {
    const r = reviewScript(lines("cd ~/src && make", "cd build", "git commit -m x", "git -C . push"));
    expect(r.script).toBe("cd ~/src && make\ncd build\ngit commit -m x\ngit -C . push\n");
    expect(r.findings.map((f) => [f.index, f.rule, f.needle])).toEqual([
      [10, "absolute-cd", "cd"],
      [12, "git-landing", "git commit"],
      [13, "git-landing", "git -C . push"],
    ]);
  });
});
