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

  it("only warns about a cd combined with other commands", () => {
    const r = reviewScript(lines("cd ~/src && make", "cd build"));
    expect(r.script).toBe("cd ~/src && make\ncd build\n");
    expect(r.findings.map((f) => [f.index, f.rule, f.needle])).toEqual([[10, "absolute-cd", "cd"]]);
  });

  it("comments out git bookkeeping lines and says what replaces them", () => {
    const r = reviewScript(
      lines(
        "git status",
        "git add -A",
        'git commit -m "backup $(date +%s)"',
        "git -C . push origin main",
        "  git stash push -m wip",
        "git checkout -b feature/x && git add . && git commit -qm wip",
        "git switch -c topic",
        "git branch backup-1",
        'git tag -a v1 -m "release"',
        "git log -1 --stat",
      ),
    );
    expect(r.script.split("\n")).toEqual([
      "git status",
      "# git add -A  # disabled by waveplan import: the base commit is the backup, the landing commit is the final commit",
      '# git commit -m "backup $(date +%s)"  # disabled by waveplan import: the base commit is the backup, the landing commit is the final commit',
      "# git -C . push origin main  # disabled by waveplan import: the base commit is the backup, the landing commit is the final commit",
      "  # git stash push -m wip  # disabled by waveplan import: the base commit is the backup, the landing commit is the final commit",
      "# git checkout -b feature/x && git add . && git commit -qm wip  # disabled by waveplan import: the base commit is the backup, the landing commit is the final commit",
      "# git switch -c topic  # disabled by waveplan import: the base commit is the backup, the landing commit is the final commit",
      "# git branch backup-1  # disabled by waveplan import: the base commit is the backup, the landing commit is the final commit",
      '# git tag -a v1 -m "release"  # disabled by waveplan import: the base commit is the backup, the landing commit is the final commit',
      "git log -1 --stat",
      "",
    ]);
    expect(r.findings.map((f) => [f.index, f.rule, f.needle])).toEqual([
      [11, "git-bookkeeping", "git add"],
      [12, "git-bookkeeping", "git commit"],
      [13, "git-bookkeeping", "git -C . push"],
      [14, "git-bookkeeping", "git stash"],
      [15, "git-bookkeeping", "git checkout"],
      [16, "git-bookkeeping", "git switch"],
      [17, "git-bookkeeping", "git branch"],
      [18, "git-bookkeeping", "git tag"],
    ]);
    expect(r.findings[1].message).toMatch(/commented out: .*base commit — that is the backup — .*one commit .* that is the final commit/);
    expect(r.findings[4].message).toContain("git branch, git add, git commit");
  });

  it("leaves reads alone and only warns when bookkeeping is mixed with other commands", () => {
    const r = reviewScript(
      lines("git branch --show-current", "git tag -l", "git stash list", "make && git commit -am x", "git commit -m x \\"),
    );
    expect(r.script).toBe("git branch --show-current\ngit tag -l\ngit stash list\nmake && git commit -am x\ngit commit -m x \\\n");
    expect(r.findings.map((f) => [f.index, f.needle])).toEqual([
      [13, "git commit"],
      [14, "git"],
    ]);
    expect(r.findings[0].message).toMatch(/remove it from this line; it is mixed with other commands/);
  });
});
