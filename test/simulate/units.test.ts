/** Pure parts of the runner: matrix rules, workflow commands, file commands, expressions. */
import { describe, expect, it } from "vitest";
import { condition, evaluate, toJson } from "../../src/simulate/expressions.js";
import { expandStrategy } from "../../src/simulate/matrix.js";
import { parseCommand, parseKeyValueFile } from "../../src/simulate/runner/commands.js";
import { Expr } from "../../src/simulate/workflow/tokens.js";

describe("matrix expansion (GitHub's rules)", () => {
  // the example of GitHub's documentation ("Expanding or adding matrix configurations")
  it("takes the product, then extends or adds include entries as GitHub documents", () => {
    const { combinations } = expandStrategy(
      {
        matrix: {
          fruit: ["apple", "pear"],
          animal: ["cat", "dog"],
          include: [
            { color: "green" },
            { color: "pink", animal: "cat" },
            { fruit: "apple", shape: "circle" },
            { fruit: "banana" },
            { fruit: "banana", animal: "cat" },
          ],
        },
      },
      "wf.yml:1:1",
    );
    expect(combinations).toEqual([
      { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
      { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
      { fruit: "pear", animal: "cat", color: "pink" },
      { fruit: "pear", animal: "dog", color: "green" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ]);
  });

  it("removes combinations an exclude entry matches, partially", () => {
    const { combinations } = expandStrategy({ matrix: { os: ["linux", "mac"], node: [20, 24], exclude: [{ os: "mac" }] } }, "x");
    expect(combinations).toEqual([
      { os: "linux", node: 20 },
      { os: "linux", node: 24 },
    ]);
  });

  it("defaults to fail-fast and refuses an empty or oversized matrix", () => {
    expect(expandStrategy({ matrix: { include: [{ a: 1 }] } }, "x").failFast).toBe(true);
    expect(expandStrategy({ "fail-fast": false, matrix: { include: [{ a: 1 }] } }, "x").failFast).toBe(false);
    expect(() => expandStrategy({ matrix: { a: [] } }, "wf.yml:3:5")).toThrow("wf.yml:3:5: the matrix has no combinations");
    expect(() => expandStrategy({ matrix: { a: Array.from({ length: 257 }, (_, i) => i) } }, "x")).toThrow("GitHub allows 256");
  });
});

describe("workflow and file commands", () => {
  it("reads annotations with escaped properties, masks and outputs", () => {
    expect(parseCommand("::error title=stale workflow,file=a.yml,line=3,col=7::line one%0Aline two %25")).toEqual({
      kind: "annotation",
      annotation: { level: "error", title: "stale workflow", file: "a.yml", line: 3, col: 7, message: "line one\nline two %" },
    });
    expect(parseCommand("::add-mask::s3cret")).toEqual({ kind: "mask", value: "s3cret" });
    expect(parseCommand("::set-output name=x::1")).toEqual({ kind: "output", name: "x", value: "1" });
    expect(parseCommand("plain :: text")).toBeUndefined();
  });

  it("reads name=value and heredoc entries, and says where a broken file is wrong", () => {
    expect(parseKeyValueFile("a=1\nb<<EOF\nx=y\n\nz\nEOF\nc=\n", "out")).toEqual({ a: "1", b: "x=y\n\nz", c: "" });
    expect(() => parseKeyValueFile("b<<EOF\nnever closed\n", "out")).toThrow('out: no closing delimiter "EOF" for b');
    expect(() => parseKeyValueFile("no separator\n", "out")).toThrow("out: line 1 is neither");
  });
});

describe("expressions", () => {
  const contexts = {
    needs: { W1: { result: "failure", outputs: {} } },
    inputs: { land: true },
    github: { event_name: "workflow_dispatch" },
  };
  const status = { success: () => false, failure: () => true, cancelled: () => false };

  it("evaluates with the given status functions and contexts", () => {
    expect(condition(new Expr("always()", "x"), contexts, status)).toBe(true);
    expect(condition(new Expr("success() && (inputs.land)", "x"), contexts, status)).toBe(false);
    expect(condition(new Expr("failure() && needs.W1.result == 'failure'", "x"), contexts, status)).toBe(true);
    expect(evaluate(new Expr("github.event_name == 'workflow_dispatch' && inputs.land", "x"), contexts).coerceString()).toBe("true");
    expect(JSON.parse(evaluate(new Expr("toJSON(needs)", "x"), contexts).coerceString())).toEqual(contexts.needs);
    expect(toJson(evaluate(new Expr("fromJSON('[1,2]')", "x"), contexts))).toEqual([1, 2]);
  });

  it("reports where a broken expression is", () => {
    expect(() => evaluate(new Expr("matrix.x +", "wf.yml:7:19"), contexts)).toThrow("wf.yml:7:19: cannot evaluate $" + "{{ matrix.x + }}");
    expect(() => evaluate(new Expr("hashFiles('**')", "wf.yml:2:2"), contexts)).toThrow("hashFiles() is not supported by the simulator");
  });
});
