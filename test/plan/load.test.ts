import { describe, expect, it } from "vitest";
import { formatDiagnostic, PlanError } from "../../src/plan/diagnostics.js";
import { parseDuration } from "../../src/plan/duration.js";
import { planHash } from "../../src/plan/hash.js";
import { checkPlan, requirePlan } from "../../src/plan/load.js";

/** The diagnostics of a plan text as `line:col severity [rule] message`, in file order. */
function diagnostics(source: string | Uint8Array): string[] {
  return checkPlan(source, "plan.yml")
    .diagnostics.sorted()
    .map((d) => `${d.line}:${d.col} ${d.severity} [${d.rule}] ${d.message}`);
}

function load(source: string) {
  return requirePlan(checkPlan(source, "plan.yml")).plan;
}

// Six lines, so the first wave always starts on line 7.
const HEAD = `version: 1
name: demo
instances:
  I1: { role: Coordinator }
  I2: { role: Analyst }
waves:
`;

const OK_WAVES = `  - id: W0
    tasks:
      - instance: I1
        run: echo one
  - id: W1
    tasks:
      - instance: I2
        run: echo two
`;

describe("a valid plan", () => {
  it("loads without diagnostics", () => {
    expect(diagnostics(HEAD + OK_WAVES)).toEqual([]);
  });

  it("fills in defaults: task ids <instance>-<wave>-<n>, parallel mode, titles from the script", () => {
    const plan = load(`${HEAD}  - id: W0
    tasks:
      - instance: I1
        run: echo a
      - instance: I2
        run: echo b
      - instance: I1
        id: custom
        run: echo c
      - instance: I1
        run: |

          echo d
`);
    expect(plan.tasks.map((t) => t.id)).toEqual(["I1-W0-1", "I2-W0-1", "custom", "I1-W0-3"]);
    expect(plan.waves[0].mode).toBe("parallel");
    expect(plan.waves[0].name).toBe("W0");
    expect(plan.tasks[3].title).toBe("echo d");
    expect(plan.tasks[0].timeoutMs).toBe(30 * 60_000);
  });

  it("parses durations of waves and tasks", () => {
    const plan = load(`${HEAD}  - id: W0
    estimate: 1h30m
    tasks:
      - instance: I1
        run: echo
        timeout: 90s
        estimate: 2m
`);
    expect(plan.waves[0].estimateMs).toBe(90 * 60_000);
    expect(plan.tasks[0].timeoutMs).toBe(90_000);
    expect(plan.tasks[0].estimateMs).toBe(120_000);
  });
});

describe("parseDuration", () => {
  it.each([
    ["90s", 90_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["2h", 7_200_000],
    ["1h0m5s", 3_605_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "5", "5 m", "1m1h", "-5m", "1.5h", "5min"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("syntax and schema errors", () => {
  it("refuses github.node-version, which nothing ever read, and lists the github keys from the schema", () => {
    expect(
      diagnostics(`${HEAD.replace("waves:", "github: { node-version: '20' }\nwaves:")}  - id: W0\n    tasks: [{ instance: I1, run: x }]\n`),
    ).toEqual([
      `5:3 warning [unused-instance] instance "I2" (Analyst) has no tasks`,
      expect.stringMatching(
        /^6:11 error \[unknown-key\] unexpected key "node-version" in github \(expected one of runs-on, pull-request\b/,
      ),
    ]);
  });

  it("reports a YAML syntax error at its position", () => {
    expect(diagnostics(`version: 1\nname: x\ninstances:\n  I1: { role: A\nwaves: []\n`)).toEqual([
      "5:1 error [syntax] Flow map in block collection must be sufficiently indented and end with a }",
    ]);
  });

  it("reports a duplicate YAML key", () => {
    expect(diagnostics(`version: 1\nname: x\nname: y\n`)).toEqual(["3:1 error [syntax] Map keys must be unique"]);
  });

  it("reports an unknown key with a suggestion, at the key", () => {
    expect(diagnostics(`${HEAD}  - id: W0\n    tasks:\n      - instance: I1\n        rn: echo\n`)).toContainEqual(
      `10:9 error [unknown-key] unexpected key "rn" in task; did you mean "run"? (expected one of id, instance, title, run, prompt, outputs, timeout, retries, estimate, env, needs, files, environment)`,
    );
    expect(diagnostics(`versio: 1\nname: x\ninstances: {}\nwaves: []\n`)).toContainEqual(
      expect.stringMatching(/^1:1 error \[unknown-key\] unexpected key "versio" in plan; did you mean "version"\?/),
    );
  });

  it("reports wrong types and values at the value", () => {
    expect(
      diagnostics(`${HEAD}  - id: W0
    mode: fast
    tasks:
      - instance: I1
        run: echo
        retries: many
        outputs: a.txt
`),
    ).toEqual([
      `5:3 warning [unused-instance] instance "I2" (Analyst) has no tasks`,
      `8:11 error [value] waves[0].mode must be one of "parallel", "sequential", got string "fast"`,
      `12:18 error [type] waves[0].tasks[0].retries must be a number, got string "many"`,
      `13:18 error [type] waves[0].tasks[0].outputs must be a list, got string "a.txt"`,
    ]);
    expect(diagnostics("- just\n- a list\n")).toEqual([
      "1:1 error [type] a plan is a YAML mapping with keys version, name, instances and waves",
    ]);
  });

  it("reports a missing required key at its parent", () => {
    expect(diagnostics(`version: 1\ninstances:\n  I1: { role: A }\nwaves:\n  - id: W0\n    tasks:\n      - run: echo\n`)).toEqual([
      `1:1 error [missing-key] plan is missing required key "name"`,
      `7:9 error [missing-key] task is missing required key "instance"`,
    ]);
  });

  it("reports ids with characters outside [A-Za-z0-9._-]", () => {
    const rule = "must match [A-Za-z0-9][A-Za-z0-9._-]* (it becomes part of job ids, artifact names and paths)";
    expect(
      diagnostics(
        `version: 1\nname: x\ninstances:\n  "I 1": { role: A }\nwaves:\n  - id: W/0\n    tasks:\n      - instance: I1\n        id: "-a"\n        run: echo\n`,
      ),
    ).toEqual([
      `4:3 error [id] instances.I 1: "I 1": instance id ${rule}`,
      `6:9 error [value] waves[0].id: wave id ${rule}`,
      `9:13 error [value] waves[0].tasks[0].id: task id ${rule}`,
    ]);
  });

  it("reports badly written durations", () => {
    expect(
      diagnostics(
        `${HEAD}  - id: W0\n    estimate: 5 minutes\n    tasks:\n      - instance: I1\n        run: echo\n        timeout: 1h90\n`,
      ),
    ).toEqual([
      `5:3 warning [unused-instance] instance "I2" (Analyst) has no tasks`,
      "8:15 error [value] waves[0].estimate: a duration is written like 90s, 5m or 1h30m",
      "12:18 error [value] waves[0].tasks[0].timeout: a duration is written like 90s, 5m or 1h30m",
    ]);
  });

  it("reports the first byte that is not UTF-8, with its line and column", () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("version: 1\nname: ab"), 0xff, ...new TextEncoder().encode("\n")]);
    expect(diagnostics(bytes)).toEqual(["2:9 error [encoding] file is not valid UTF-8 (byte 0xff at offset 19)"]);
  });
});

describe("semantic errors", () => {
  it("land.signed with land.author: GitHub signs only commits it authors, located at author", () => {
    const land = "land:\n  signed: true\n  author: Dev <dev@example.com>\n";
    expect(diagnostics(`${HEAD}${OK_WAVES}${land}`)).toEqual([
      "17:3 error [signed-author] land.signed lands a commit GitHub creates and signs, which it does only without a custom author; remove land.author (the commit is authored by the token's bot)",
    ]);
    expect(load(`${HEAD}${OK_WAVES}land:\n  signed: false\n  author: Dev <dev@example.com>\n`).land.signed).toBe(false);
  });

  it("github.app and github.token-secret together: one landing token, located at app", () => {
    const github = "github:\n  token-secret: LANDING\n  app: { client-id: APP_ID, private-key-secret: APP_KEY }\n";
    expect(diagnostics(`${HEAD}${OK_WAVES}${github}`)).toEqual([
      "17:3 error [landing-token] github.app and github.token-secret both name the token final-commit lands with; keep one (github.app is recommended)",
    ]);
    const app = load(`${HEAD}${OK_WAVES}github:\n  app: { client-id: APP_ID, private-key-secret: APP_KEY }\n`).github.app;
    expect(app).toEqual({ clientIdVar: "APP_ID", privateKeySecret: "APP_KEY" });
    expect(diagnostics(`${HEAD}${OK_WAVES}github:\n  app: { client-id: APP_ID }\n`)).toEqual([
      expect.stringMatching(/^16:3 error \[missing-key\] app is missing required key "private-key-secret"/),
    ]);
  });
  it("reports duplicate wave, task and instance ids", () => {
    expect(
      diagnostics(`${HEAD}  - id: W0
    tasks:
      - { id: t1, instance: I1, run: echo }
      - { id: t1, instance: I2, run: echo }
  - id: W0
    tasks:
      - { instance: I1, run: echo }
`),
    ).toEqual([
      `10:15 error [duplicate-id] task id "t1" is already used by the task at wave "W0" #1`,
      `11:9 error [duplicate-id] wave id "W0" is already used by wave #1`,
    ]);
    // a duplicate instance is a duplicate YAML key: the mapping cannot hold it twice
    expect(diagnostics(`version: 1\nname: x\ninstances:\n  I1: { role: A }\n  I1: { role: B }\nwaves: []\n`)).toEqual([
      "5:3 error [syntax] Map keys must be unique",
    ]);
  });

  it("reports an unknown instance with a suggestion", () => {
    expect(
      diagnostics(`${HEAD}  - id: W0\n    tasks:\n      - instance: I3\n        run: echo\n      - instance: I1\n        run: echo\n`),
    ).toContainEqual(`9:19 error [unknown-instance] task "I3-W0-1" is assigned to unknown instance "I3"; did you mean "I1"?`);
  });

  it("reports a task with both or neither of run and prompt", () => {
    expect(
      diagnostics(`${HEAD}  - id: W0
    tasks:
      - { instance: I1, run: echo, prompt: do it }
  - id: W1
    tasks:
      - { instance: I2, title: nothing to do }
`),
    ).toEqual([
      `9:36 error [run-or-prompt] task "I1-W0-1" has both "run" and "prompt"; a task is either a script or an agent prompt`,
      `12:9 error [run-or-prompt] task "I2-W1-1" has neither "run" nor "prompt"`,
    ]);
  });

  it("reports a prompt task when the plan has no agent", () => {
    expect(
      diagnostics(
        `${HEAD}  - id: W0\n    tasks:\n      - instance: I1\n        prompt: Fix the bug\n      - instance: I2\n        run: x\n`,
      ),
    ).toEqual([
      `10:9 error [agent] task "I1-W0-1" is a prompt task but no agent runs it: set agent.preset (claude-code, codex, gemini, aider) or agent.command`,
    ]);
  });

  it("reports needs that point to itself, the same wave, a later wave or nowhere", () => {
    expect(
      diagnostics(`${HEAD}  - id: W0
    tasks:
      - { id: a, instance: I1, run: x, needs: [a] }
      - { id: b, instance: I2, run: x, needs: [a] }
  - id: W1
    tasks:
      - { id: c, instance: I1, run: x, needs: [d, bb] }
  - id: W2
    tasks:
      - { id: d, instance: I2, run: x }
`),
    ).toEqual([
      `9:48 error [needs] task "a" needs itself`,
      `10:48 error [needs] task "b" needs "a" of the same wave "W0"; needs may only point to earlier waves`,
      `13:48 error [needs] task "c" needs "d" of a later wave "W2"; needs may only point to earlier waves`,
      `13:51 error [needs] task "c" needs unknown task "bb"; did you mean "b"?`,
    ]);
  });

  it("reports a cycle", () => {
    const found = diagnostics(`${HEAD}  - id: W0
    tasks:
      - { id: a, instance: I1, run: x, needs: [b] }
  - id: W1
    tasks:
      - { id: b, instance: I2, run: x, needs: [a] }
`);
    // a cycle always needs one edge that points forward, so that edge is reported too
    expect(found).toEqual([
      `9:48 error [needs] task "a" needs "b" of a later wave "W1"; needs may only point to earlier waves`,
      `12:40 error [cycle] tasks depend on each other in a cycle: a → b → a`,
    ]);
  });

  it("reports outputs that are absolute, escape the repository or point into .git", () => {
    expect(
      diagnostics(`${HEAD}  - id: W0
    tasks:
      - instance: I1
        run: x
        outputs: [/etc/passwd, ../up.txt, a/../../b, .git/config, ok/file.txt, C:\\win]
`),
    ).toEqual([
      `5:3 warning [unused-instance] instance "I2" (Analyst) has no tasks`,
      `11:19 error [output-path] output "/etc/passwd" of task "I1-W0-1" is absolute; outputs are paths relative to the repository`,
      `11:32 error [output-path] output "../up.txt" of task "I1-W0-1" escapes the repository`,
      `11:43 error [output-path] output "a/../../b" of task "I1-W0-1" escapes the repository`,
      `11:54 error [output-path] output ".git/config" of task "I1-W0-1" is inside .git`,
      `11:80 error [output-path] output "C:\\win" of task "I1-W0-1" is absolute; outputs are paths relative to the repository`,
    ]);
  });

  it("reports an empty wave at its tasks key", () => {
    expect(diagnostics(`${HEAD + OK_WAVES}  - id: W2\n    tasks: []\n`)).toEqual([`16:5 error [empty-wave] wave "W2" has no tasks`]);
  });

  it("reports every error of a plan in one pass", () => {
    const found = diagnostics(`${HEAD}  - id: W0
    tasks:
      - { instance: I9, run: x, prompt: y }
      - { instance: I1, run: x, outputs: [/abs] }
  - id: W1
    tasks: []
`);
    expect(found.map((d) => d.split(" ")[2])).toEqual([
      "[unused-instance]",
      "[unknown-instance]",
      "[run-or-prompt]",
      "[output-path]",
      "[empty-wave]",
    ]);
  });
});

describe("warnings", () => {
  it("warns about an instance without tasks", () => {
    expect(diagnostics(`${HEAD}  - id: W0\n    tasks:\n      - instance: I1\n        run: x\n`)).toEqual([
      `5:3 warning [unused-instance] instance "I2" (Analyst) has no tasks`,
    ]);
  });

  it("warns about an instance twice in a parallel wave, not in a sequential one", () => {
    const wave = (mode: string) =>
      `${HEAD}  - id: W0\n    mode: ${mode}\n    tasks:\n      - instance: I1\n        run: x\n      - instance: I1\n        run: y\n      - instance: I2\n        run: z\n`;
    expect(diagnostics(wave("parallel"))).toEqual([
      `12:19 warning [instance-overbooked] instance "I1" has tasks "I1-W0-1" and "I1-W0-2" in parallel wave "W0"; one worker cannot be in two places (make the wave sequential or give one task to another instance)`,
    ]);
    expect(diagnostics(wave("sequential"))).toEqual([]);
  });

  it("warns about a wave of more than 256 tasks", () => {
    const tasks = Array.from({ length: 257 }, (_, i) => `      - { instance: ${i % 2 ? "I1" : "I2"}, id: t${i}, run: x }\n`).join("");
    const found = diagnostics(`${HEAD}  - id: W0\n    mode: sequential\n    tasks:\n${tasks}`);
    expect(found).toEqual([
      `7:9 warning [matrix-limit] wave "W0" has 257 tasks, more than GitHub's matrix limit of 256; compile splits it into several jobs`,
    ]);
  });

  it("loads a plan that only has warnings", () => {
    const result = checkPlan(`${HEAD}  - id: W0\n    tasks:\n      - instance: I1\n        run: x\n`, "plan.yml");
    expect(requirePlan(result).plan.tasks).toHaveLength(1);
  });

  it("throws a PlanError listing every error", () => {
    const result = checkPlan(`${HEAD}  - id: W0\n    tasks: []\n  - id: W0\n    tasks: []\n`, "plan.yml");
    expect(() => requirePlan(result)).toThrow(PlanError);
    try {
      requirePlan(result);
    } catch (e) {
      expect((e as PlanError).diagnostics.filter((d) => d.severity === "error")).toHaveLength(3);
    }
  });
});

describe("plan hash", () => {
  const original = `${HEAD + OK_WAVES}`;
  const hash = (source: string) => planHash(load(source));

  it("ignores formatting, comments and key order", () => {
    const reformatted = `# a comment
name: "demo"   # same name
version: 1
waves:
  - tasks: [{ run: "echo one", instance: I1 }]
    id: W0
  - id: W1
    tasks:
      - run: echo two
        instance: I2
instances:
  I1:
    role: Coordinator
  I2: { role: "Analyst" }
`;
    expect(hash(reformatted)).toBe(hash(original));
  });

  it("changes with a real change", () => {
    expect(hash(original.replace("echo two", "echo 2"))).not.toBe(hash(original));
    expect(hash(original.replace("I2: { role: Analyst }", "I2: { role: Analyst, focus: sql }"))).not.toBe(hash(original));
    expect(hash(original.replace("  - id: W1\n", "  - id: W1\n    mode: sequential\n"))).not.toBe(hash(original));
  });
});

describe("caret excerpt", () => {
  it("shows the line with a caret under the column and tildes under the span", () => {
    const source = `${HEAD}  - id: W0\n    mode: fast\n    tasks:\n      - { instance: I1, run: x }\n      - { instance: I2, run: x }\n`;
    const d = checkPlan(source, "plan.yml").diagnostics.sorted()[0];
    expect(formatDiagnostic(d, source)).toBe(
      [
        `plan.yml:8:11: error: waves[0].mode must be one of "parallel", "sequential", got string "fast" [value]`,
        "  |",
        "8 |     mode: fast",
        "  |           ^~~~",
      ].join("\n"),
    );
  });

  it("prints only the head line without a source", () => {
    const d = checkPlan(`${HEAD}  - id: W0\n    tasks: []\n`, "plan.yml").diagnostics.errors[0];
    expect(formatDiagnostic(d)).toBe(`plan.yml:8:5: error: wave "W0" has no tasks [empty-wave]`);
  });
});

describe("schema and semantic errors together", () => {
  it("reports semantic errors elsewhere in the plan in the same pass as schema errors", () => {
    expect(
      diagnostics(`${HEAD}  - id: W0
    tasks:
      - instance: I1
        rn: echo
        retries: many
      - instance: I3
        run: echo
        needs: [nope]
  - id: W1
    tasks: []
`),
    ).toEqual([
      `5:3 warning [unused-instance] instance "I2" (Analyst) has no tasks`,
      `10:9 error [unknown-key] unexpected key "rn" in task; did you mean "run"? (expected one of id, instance, title, run, prompt, outputs, timeout, retries, estimate, env, needs, files, environment)`,
      `11:18 error [type] waves[0].tasks[0].retries must be a number, got string "many"`,
      `12:19 error [unknown-instance] task "I3-W0-1" is assigned to unknown instance "I3"; did you mean "I1"?`,
      `14:17 error [needs] task "I3-W0-1" needs unknown task "nope"`,
      `16:5 error [empty-wave] wave "W1" has no tasks`,
    ]);
  });

  it("checks a task with schema errors again only once they are fixed", () => {
    // without the typo'd `run` the task has neither run nor prompt: not worth a second error
    expect(diagnostics(`${HEAD}  - id: W0\n    tasks:\n      - { instance: I1, rn: echo }\n      - { instance: I2, run: echo }\n`)).toEqual(
      [expect.stringContaining(`9:25 error [unknown-key] unexpected key "rn"`)],
    );
  });

  it("checks the rest of the plan when a task lacks its instance, hiding only what depends on it", () => {
    // whether I1 and I2 are unused depends on the instance the first task was meant to have
    expect(diagnostics(`${HEAD}  - id: W0\n    tasks:\n      - { run: echo }\n      - { instance: I9, run: echo }\n`)).toEqual([
      `9:9 error [missing-key] task is missing required key "instance"`,
      `10:21 error [unknown-instance] task "I9-W0-1" is assigned to unknown instance "I9"; did you mean "I1"?`,
    ]);
  });

  it("reports a newcomer's five mistakes in one run: misspelled key, bad mode, unknown instance, prompt without agent, missing need", () => {
    expect(
      diagnostics(`${HEAD}  - id: W0
    mode: paralel
    tasks:
      - instance: I1
        run: echo hi
        timout: 5m
      - instance: I9
        run: echo x
      - instance: I2
        prompt: do a thing
  - id: W1
    tasks:
      - instance: I1
        run: echo y
        needs: [nope]
`),
    ).toEqual([
      `8:11 error [value] waves[0].mode must be one of "parallel", "sequential", got string "paralel"`,
      `12:9 error [unknown-key] unexpected key "timout" in task; did you mean "timeout"? (expected one of id, instance, title, run, prompt, outputs, timeout, retries, estimate, env, needs, files, environment)`,
      `13:19 error [unknown-instance] task "I9-W0-1" is assigned to unknown instance "I9"; did you mean "I1"?`,
      `16:9 error [agent] task "I2-W0-1" is a prompt task but no agent runs it: set agent.preset (claude-code, codex, gemini, aider) or agent.command`,
      `21:17 error [needs] task "I1-W1-1" needs unknown task "nope"`,
    ]);
  });

  it("hides only the findings a rejected value makes meaningless", () => {
    const rules = (source: string) => diagnostics(source).map((d) => d.split(" ")[2]);
    // a bad mode: whether I1 is in two places at once depends on the mode meant
    expect(
      rules(`${HEAD}  - id: W0\n    mode: fast\n    tasks:\n      - { instance: I1, run: a }\n      - { instance: I1, run: b }\n`),
    ).toEqual(["[unused-instance]", "[value]"]);
    // a malformed agent is still the agent prompt tasks are meant to use (the misspelled key is named,
    // with "did you mean command?")
    const withAgent = HEAD.replace("waves:", "agent: { comand: x }\nwaves:");
    expect(rules(`${withAgent}  - id: W0\n    tasks:\n      - { instance: I1, prompt: a }\n      - { instance: I2, prompt: b }\n`)).toEqual(
      ["[unknown-key]"],
    );
    // a wave whose tasks are not a list: a need naming one of them cannot be judged, other findings can
    expect(
      rules(`${HEAD}  - id: W0\n    tasks: oops\n  - id: W1\n    tasks:\n      - { instance: I7, run: a, needs: [I1-W0-1] }\n`),
    ).toEqual(["[unused-instance]", "[unused-instance]", "[type]", "[unknown-instance]"]);
  });
});
