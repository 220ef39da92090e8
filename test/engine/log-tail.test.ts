/** The end of a failed task's log, as carried in its checkpoint record: bounded, clean, secrets masked. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOG_TAIL_CHARS, LOG_TAIL_LINES, readLogTail, tailOf } from "../../src/engine/log-tail.js";
import { tempDir } from "../support/repo.js";

describe("log tail", () => {
  it("keeps the last lines, at most LOG_TAIL_LINES and LOG_TAIL_CHARS", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    expect(tailOf(lines.join("\n")).split("\n")).toEqual(lines.slice(-LOG_TAIL_LINES));
    const long = tailOf(`${"x".repeat(10_000)}\nend`);
    expect(long.length).toBe(LOG_TAIL_CHARS);
    expect(long.startsWith("…")).toBe(true);
    expect(long.endsWith("\nend")).toBe(true);
  });

  it("drops colours and progress redraws, and masks the plan's secrets", () => {
    const text = "\x1b[31merror\x1b[0m: bad\n 10%\r 50%\r100%\ntoken sk-live-0123456789 refused\n";
    expect(tailOf(text, [{ name: "KEY", value: "sk-live-0123456789" }])).toBe("error: bad\n100%\ntoken *** refused");
  });

  it("reads only the end of a large log file, starting at a whole line", async () => {
    const file = join(tempDir("waveplan-tail-"), "task.log");
    writeFileSync(file, `${"padding line\n".repeat(50_000)}the cause\n`);
    expect((await readLogTail(file)).split("\n").slice(-2)).toEqual(["padding line", "the cause"]);
    expect(await readLogTail(join(file, "missing"))).toBe("");
  });
});
