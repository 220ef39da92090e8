export const id = 849;
export const ids = [849,55];
export const modules = {

/***/ 78055:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ActionError: () => (/* binding */ ActionError),
/* harmony export */   annotate: () => (/* binding */ annotate),
/* harmony export */   fail: () => (/* binding */ fail)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(91659);
/* harmony import */ var _checkpoint_secret_guard_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(57588);
/* harmony import */ var _checkpoint_verify_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(26681);
/* harmony import */ var _engine_gate_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(14347);
/* harmony import */ var _plan_diagnostics_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(40499);
/**
 * How the action reports failure: annotations that point at the plan file where possible, one
 * failed exit code, never a stack trace (that goes to the debug log only).
 */





/** A failure already explained by its message. */
class ActionError extends Error {
}
function annotate(message, where, title) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(message, {
        title,
        file: where?.file,
        startLine: where?.at?.line,
        startColumn: where?.at?.col,
    });
}
/** Turns any error into annotations and a failed step. */
function fail(e, where) {
    if (e instanceof _plan_diagnostics_js__WEBPACK_IMPORTED_MODULE_4__/* .PlanError */ .W6) {
        for (const d of e.diagnostics) {
            const message = `${d.message} [${d.rule}]`;
            const props = { title: "waveplan plan", file: d.file, startLine: d.line, startColumn: d.col };
            if (d.severity === "error")
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(message, props);
            else
                _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(message, props);
        }
        const n = e.diagnostics.filter((d) => d.severity === "error").length;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`the plan has ${n} error${n === 1 ? "" : "s"} (see the annotations)`);
        process.exitCode = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .ExitCode */ .yU.Failure;
        return;
    }
    const known = e instanceof ActionError || e instanceof _engine_gate_js__WEBPACK_IMPORTED_MODULE_3__/* .GateError */ .ue || e instanceof _checkpoint_verify_js__WEBPACK_IMPORTED_MODULE_2__/* .CheckpointError */ .jg || e instanceof _checkpoint_secret_guard_js__WEBPACK_IMPORTED_MODULE_1__/* .SecretLeakError */ .q;
    const message = e?.message ?? String(e);
    if (!known && e instanceof Error && e.stack)
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(e.stack);
    // one annotation, placed in the plan when we know where: setFailed would add a second, unplaced one
    annotate(message, where);
    process.exitCode = _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .ExitCode */ .yU.Failure;
}


/***/ }),

/***/ 10849:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Y: () => (/* binding */ loadPlan)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./src/plan/diagnostics.ts
var diagnostics = __webpack_require__(40499);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(38815);
// EXTERNAL MODULE: ./src/plan/model.ts
var model = __webpack_require__(38582);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 17 modules
var schemas = __webpack_require__(38816);
// EXTERNAL MODULE: ./src/plan/duration.ts
var duration = __webpack_require__(72983);
;// CONCATENATED MODULE: ./src/plan/schema.ts
/**
 * The plan file's schema: the single source of truth. It validates plans at load time and
 * emits `schema/waveplan.schema.json` for editors (`waveplan schema`).
 */


const ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
const MAX_ID_LENGTH = 64;
const id = (what) => schemas/* string */.YjP()
    .regex(new RegExp(ID_PATTERN), `${what} must match [A-Za-z0-9][A-Za-z0-9._-]* (it becomes part of job ids, artifact names and paths)`)
    .max(MAX_ID_LENGTH, `${what} is longer than ${MAX_ID_LENGTH} characters`)
    .describe(`${what}: letters, digits, '.', '_' and '-', starting with a letter or digit`);
const schema_duration = schemas/* string */.YjP()
    .regex(new RegExp(duration/* DURATION_PATTERN */.Cq), "a duration is written like 90s, 5m or 1h30m")
    .refine((s) => s.trim() !== "", "a duration is written like 90s, 5m or 1h30m")
    .describe("A duration such as 90s, 5m or 1h30m");
const envMap = schemas/* record */.g1P(schemas/* string */.YjP().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment variable names are [A-Za-z_][A-Za-z0-9_]*"), schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig(), schemas/* boolean */.zMY()]).transform(String))
    .describe("Environment variables for the task");
const instanceSchema = schemas/* strictObject */.rej({
    role: schemas/* string */.YjP().min(1).describe("What this worker is, e.g. Migration Engineer"),
    focus: schemas/* string */.YjP().optional().describe("Specialization, shown in stats and prompts"),
});
const agentSchema = schemas/* strictObject */.rej({
    command: schemas/* string */.YjP().min(1).describe("Command that runs a prompt task; the prompt arrives on stdin"),
    setup: schemas/* string */.YjP().optional().describe("Shell run once per GitHub job before prompt tasks (e.g. installing the agent CLI)"),
    secrets: schemas/* array */.YOg(schemas/* string */.YjP().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "secret names are [A-Za-z_][A-Za-z0-9_]*"))
        .optional()
        .describe("Repository secrets forwarded as environment variables to prompt tasks on GitHub"),
})
    .describe("How `prompt:` tasks are executed");
const taskSchema = schemas/* strictObject */.rej({
    id: id("task id").optional().describe("Defaults to <instance>-<wave>-<n>"),
    instance: id("instance id").describe("The instance (worker) that runs this task"),
    title: schemas/* string */.YjP().optional().describe("Short description shown in logs and the Actions UI"),
    run: schemas/* string */.YjP().optional().describe("Bash script, run with bash -eo pipefail in the task's worktree"),
    prompt: schemas/* string */.YjP().optional().describe("Prompt for the agent command (agent.command), sent on stdin"),
    outputs: schemas/* array */.YOg(schemas/* string */.YjP().min(1))
        .optional()
        .describe("Repository-relative files that must exist afterwards; carried in the checkpoint"),
    timeout: schema_duration.optional().describe("Kill the task (and its children) after this long; default 30m"),
    retries: schemas/* number */.aig().int().min(0).max(10).optional().describe("Extra attempts after a failure"),
    estimate: schema_duration.optional().describe("Expected duration, used by stats; defaults from the wave estimate"),
    env: envMap.optional(),
    needs: schemas/* array */.YOg(id("task id")).optional().describe("Extra task-level dependencies on tasks of earlier waves"),
});
const waveSchema = schemas/* strictObject */.rej({
    id: id("wave id"),
    name: schemas/* string */.YjP().optional(),
    description: schemas/* string */.YjP().optional(),
    mode: schemas/* enum */.k5n(["parallel", "sequential"]).optional().describe("parallel (default) or sequential: tasks run as a chain in listed order"),
    estimate: schema_duration.optional().describe("Expected wall time of the whole wave"),
    tasks: schemas/* array */.YOg(taskSchema).describe("The wave's tasks"),
});
const landSchema = schemas/* strictObject */.rej({
    strategy: schemas/* enum */.k5n(["commit", "pull-request"])
        .optional()
        .describe("commit: push one commit to `branch`; pull-request: push to `branch` and open/update a PR (GitHub)"),
    branch: schemas/* string */.YjP().min(1).optional().describe("Branch that receives the combined commit"),
    message: schemas/* string */.YjP().optional().describe("First line of the commit message; plan, run and instances are appended"),
    author: schemas/* string */.YjP()
        .regex(/^[^<>]+ <[^<>]+>$/, "author is written as 'Name <email>'")
        .optional(),
})
    .describe("How the combined change lands once every task succeeded");
const githubSchema = schemas/* strictObject */.rej({
    "runs-on": schemas/* string */.YjP().min(1).optional().describe("Runner label for every job (default ubuntu-latest)"),
    "pull-request": schemas/* boolean */.zMY().optional().describe("Also trigger on pull_request (tasks run, nothing lands)"),
    "node-version": schemas/* string */.YjP().optional(),
})
    .describe("Settings for the compiled GitHub Actions workflow");
const planSchema = schemas/* strictObject */.rej({
    $schema: schemas/* string */.YjP().optional(),
    version: schemas/* literal */.euz(1).describe("Plan format version"),
    name: schemas/* string */.YjP().min(1).describe("Plan name"),
    description: schemas/* string */.YjP().optional(),
    instances: schemas/* record */.g1P(id("instance id"), instanceSchema).describe("Named workers with roles"),
    agent: agentSchema.optional(),
    env: envMap.optional().describe("Environment variables for every task"),
    land: landSchema.optional(),
    github: githubSchema.optional(),
    waves: schemas/* array */.YOg(waveSchema).describe("Ordered stages; a checkpoint separates consecutive waves"),
})
    .describe("A waveplan parallel execution plan");
/** Keys each object may have, for "did you mean" suggestions. */
function jsonSchema() {
    const schema = z.toJSONSchema(planSchema, { target: "draft-7", io: "input" });
    return {
        $id: "https://github.com/waveplan/waveplan/raw/main/schema/waveplan.schema.json",
        title: "waveplan plan",
        ...schema,
    };
}

;// CONCATENATED MODULE: ./src/plan/suggest.ts
/** "did you mean" for misspelled keys and ids: the closest candidate within a small edit distance. */
function closest(word, candidates) {
    let best;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    const limit = word.length < 4 ? 1 : Math.max(2, Math.floor(word.length / 3));
    return bestDistance <= limit ? best : undefined;
}
function editDistance(a, b) {
    if (Math.abs(a.length - b.length) > 3)
        return Math.abs(a.length - b.length);
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}
function didYouMean(word, candidates) {
    const c = closest(word, candidates);
    return c ? `; did you mean "${c}"?` : "";
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
;// CONCATENATED MODULE: ./src/plan/validate.ts
/** Semantic rules that a schema cannot express: references, ordering, paths, smells. */


/** GitHub refuses a matrix with more than 256 combinations. */
const MATRIX_LIMIT = 256;
function validatePlan(plan, d, locate, input) {
    const instanceIds = new Set(plan.instances.map((i) => i.id));
    const byId = new Map();
    const waveIds = new Map();
    for (const wave of plan.waves) {
        const first = waveIds.get(wave.id);
        if (first !== undefined)
            d.error("duplicate-id", `wave id "${wave.id}" is already used by wave #${first + 1}`, locate([...wave.source, "id"]));
        else
            waveIds.set(wave.id, wave.index);
        if (wave.tasks.length === 0)
            d.error("empty-wave", `wave "${wave.id}" has no tasks`, locate([...wave.source, "tasks"], true));
        if (wave.tasks.length > MATRIX_LIMIT) {
            d.warning("matrix-limit", `wave "${wave.id}" has ${wave.tasks.length} tasks, more than GitHub's matrix limit of ${MATRIX_LIMIT}; compile splits it into several jobs`, locate([...wave.source, "id"]));
        }
        if (wave.mode === "parallel") {
            const seen = new Map();
            for (const t of wave.tasks) {
                const other = seen.get(t.instance);
                if (other) {
                    d.warning("instance-overbooked", `instance "${t.instance}" has tasks "${other.id}" and "${t.id}" in parallel wave "${wave.id}"; one worker cannot be in two places (make the wave sequential or give one task to another instance)`, locate([...t.source, "instance"]));
                }
                else
                    seen.set(t.instance, t);
            }
        }
    }
    for (const t of plan.tasks) {
        const dup = byId.get(t.id);
        if (dup)
            d.error("duplicate-id", `task id "${t.id}" is already used by the task at wave "${dup.waveId}" #${dup.position + 1}`, locate([...t.source, "id"]));
        else
            byId.set(t.id, t);
        if (!instanceIds.has(t.instance)) {
            d.error("unknown-instance", `task "${t.id}" is assigned to unknown instance "${t.instance}"${didYouMean(t.instance, instanceIds)}`, locate([...t.source, "instance"]));
        }
    }
    plan.waves.forEach((wave, wi) => {
        wave.tasks.forEach((t, ti) => {
            // run/prompt presence is checked on the input because normalization keeps only one of them
            checkRunPrompt(plan, t, d, locate, input?.waves[wi]?.tasks[ti]);
            for (const out of t.outputs)
                checkOutputPath(out, t, d, locate);
            t.needs.forEach((need, ni) => {
                const at = locate([...t.source, "needs", ni]);
                const target = byId.get(need);
                if (need === t.id)
                    d.error("needs", `task "${t.id}" needs itself`, at);
                else if (!target)
                    d.error("needs", `task "${t.id}" needs unknown task "${need}"${didYouMean(need, byId.keys())}`, at);
                else if (target.waveIndex >= t.waveIndex) {
                    d.error("needs", `task "${t.id}" needs "${need}" of ${target.waveIndex === t.waveIndex ? "the same" : "a later"} wave "${target.waveId}"; needs may only point to earlier waves`, at);
                }
            });
        });
    });
    reportCycles(plan, byId, d, locate);
    const used = new Set(plan.tasks.map((t) => t.instance));
    for (const i of plan.instances) {
        if (!used.has(i.id))
            d.warning("unused-instance", `instance "${i.id}" (${i.role}) has no tasks`, locate(["instances", i.id], true));
    }
}
function checkRunPrompt(plan, t, d, locate, raw) {
    const source = t.source;
    const hasRun = raw ? raw.run !== undefined : t.kind === "run";
    const hasPrompt = raw ? raw.prompt !== undefined : t.kind === "prompt";
    if (hasRun && hasPrompt)
        d.error("run-or-prompt", `task "${t.id}" has both "run" and "prompt"; a task is either a script or an agent prompt`, locate([...source, "prompt"], true));
    else if (!hasRun && !hasPrompt)
        d.error("run-or-prompt", `task "${t.id}" has neither "run" nor "prompt"`, locate(source));
    else if (hasPrompt && !plan.agent)
        d.error("agent", `task "${t.id}" is a prompt task but the plan has no agent.command to run prompts with`, locate([...source, "prompt"], true));
}
function checkOutputPath(out, t, d, locate) {
    const at = locate([...t.source, "outputs", t.outputs.indexOf(out)]);
    if (out.startsWith("/") || /^[A-Za-z]:[\\/]/.test(out) || out.startsWith("\\")) {
        d.error("output-path", `output "${out}" of task "${t.id}" is absolute; outputs are paths relative to the repository`, at);
        return;
    }
    const norm = external_node_path_.posix.normalize(out.replace(/\\/g, "/"));
    if (norm === ".." || norm.startsWith("../"))
        d.error("output-path", `output "${out}" of task "${t.id}" escapes the repository`, at);
    else if (norm === "." || norm === "")
        d.error("output-path", `output "${out}" of task "${t.id}" names the repository itself, not a file`, at);
    else if (norm === ".git" || norm.startsWith(".git/"))
        d.error("output-path", `output "${out}" of task "${t.id}" is inside .git`, at);
}
function reportCycles(plan, byId, d, locate) {
    const state = new Map();
    const stack = [];
    const visit = (id) => {
        state.set(id, "visiting");
        stack.push(id);
        for (const need of byId.get(id)?.needs ?? []) {
            if (!byId.has(need) || need === id)
                continue;
            const s = state.get(need);
            if (s === "visiting") {
                const cycle = [...stack.slice(stack.indexOf(need)), need];
                const t = byId.get(id);
                d.error("cycle", `tasks depend on each other in a cycle: ${cycle.join(" → ")}`, locate([...t.source, "needs"], true));
            }
            else if (s === undefined)
                visit(need);
        }
        stack.pop();
        state.set(id, "done");
    };
    for (const t of plan.tasks)
        if (!state.has(t.id))
            visit(t.id);
}

;// CONCATENATED MODULE: ./src/plan/load.ts
/**
 * Turns plan text into a normalized Plan, collecting every problem with its file position:
 * encoding, YAML syntax, schema (types, unknown keys) and semantic rules (validate.ts).
 */







/** Plans are human-written; anything larger is a mistake and would only make the parser slow. */
const MAX_PLAN_BYTES = 4 * 1024 * 1024;
const MAX_ALIASES = 100;
/** A plan is about six levels deep; junk nested deeper would only exhaust the stack downstream. */
const MAX_DEPTH = 64;
/** After a syntax error the parser reports every following token; the first few are the useful ones. */
const MAX_SYNTAX_ERRORS = 10;
/** Reads and checks a plan file; throws PlanError listing every error. */
function loadPlanFile(file) {
    const size = statSync(file).size;
    if (size > MAX_PLAN_BYTES) {
        const d = new DiagnosticList(file);
        d.error("file-too-large", `plan file is ${size} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`, { line: 1, col: 1 });
        throw new PlanError(d.items, "");
    }
    return requirePlan(checkPlan(readFileSync(file), file));
}
function requirePlan(result) {
    if (!result.plan || result.diagnostics.hasErrors)
        throw new diagnostics/* PlanError */.W6(result.diagnostics.sorted(), result.source);
    return result;
}
/** Decode as strict UTF-8, reporting the position of the first invalid byte. */
function decodeUtf8(bytes, d) {
    try {
        return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    }
    catch {
        const good = validUtf8Prefix(bytes);
        const prefix = new TextDecoder().decode(bytes.subarray(0, good));
        const lines = prefix.split("\n");
        d.error("encoding", `file is not valid UTF-8 (byte 0x${bytes[good].toString(16).padStart(2, "0")} at offset ${good})`, {
            line: lines.length,
            col: lines[lines.length - 1].length + 1,
        });
        return undefined;
    }
}
function validUtf8Prefix(bytes) {
    let lo = 0;
    let hi = bytes.length;
    const dec = new TextDecoder("utf-8", { fatal: true });
    // Binary search on the longest decodable prefix (a cut inside a multibyte char also fails, so step back up to 3).
    while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        let ok = false;
        for (let back = 0; back < 4 && mid - back >= lo && !ok; back++) {
            try {
                dec.decode(bytes.subarray(0, mid - back));
                ok = mid - back === mid;
            }
            catch { }
        }
        if (ok)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
/** Parse and validate plan text without throwing. */
function checkPlan(input, file) {
    const d = new diagnostics/* DiagnosticList */.w0(file);
    const source = typeof input === "string" ? input : decodeUtf8(input, d);
    const fail = () => ({ file, source: source ?? "", diagnostics: d, locate: () => ({ line: 1, col: 1 }) });
    if (source === undefined)
        return fail();
    // Positions come from our own line index: the parser's LineCounter misses the lines of a block
    // scalar that a syntax error cuts short, which put carets past the end of their line.
    const lineStarts = [0];
    for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1))
        lineStarts.push(i + 1);
    const at = (offset, length = 1) => {
        const o = Math.max(0, Math.min(offset, source.length));
        let lo = 0;
        let hi = lineStarts.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (lineStarts[mid] <= o)
                lo = mid;
            else
                hi = mid - 1;
        }
        return { line: lo + 1, col: o - lineStarts[lo] + 1, length };
    };
    const deep = deepFlowOnOneLine(source);
    if (deep !== undefined) {
        d.error("nesting", `values are nested more than ${MAX_DEPTH} levels deep; a plan needs about six`, at(deep));
        return fail();
    }
    let doc;
    try {
        doc = (0,dist/* parseDocument */.Tp)(source, { prettyErrors: false, uniqueKeys: true, strict: true });
    }
    catch (e) {
        d.error("syntax", `cannot parse the file as YAML: ${e.message}`, { line: 1, col: 1 });
        return fail();
    }
    const seenLines = new Set();
    let syntaxErrors = 0;
    for (const e of doc.errors) {
        const where = at(e.pos[0], Math.max(1, e.pos[1] - e.pos[0]));
        if (seenLines.has(where.line))
            continue;
        seenLines.add(where.line);
        if (++syntaxErrors > MAX_SYNTAX_ERRORS) {
            const rest = doc.errors.filter((x) => at(x.pos[0]).line >= where.line).length;
            d.error("syntax", `${rest} more YAML syntax error(s) from here on, most likely consequences of the ones above`, where);
            break;
        }
        const raw = e.message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
        const message = /call stack/i.test(raw) ? "the YAML is nested too deeply to read; a plan needs about six levels" : raw;
        d.error("syntax", message, where);
    }
    if (d.hasErrors)
        return fail();
    if (!checkShape(doc, d, at))
        return fail();
    const locate = (path, key = false) => {
        const node = findNode(doc.contents, path, key);
        const range = node?.range ?? [0, 1];
        const text = source.slice(range[0], range[1]);
        return at(range[0], Math.max(1, Math.min(text.indexOf("\n") === -1 ? text.length : text.indexOf("\n"), 80)));
    };
    let raw;
    try {
        raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
    }
    catch (e) {
        d.error("syntax", `cannot expand YAML aliases: ${e.message}`, { line: 1, col: 1 });
        return fail();
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        d.error("type", "a plan is a YAML mapping with keys version, name, instances and waves", { line: 1, col: 1 });
        return { ...fail(), locate };
    }
    const parsed = planSchema.safeParse(raw);
    if (!parsed.success) {
        for (const issue of parsed.error.issues)
            reportSchemaIssue(issue, d, locate, raw);
        const rangeOf = (path) => {
            const r = findNode(doc.contents, path, false)?.range;
            return r ? [r[0], r[2]] : undefined;
        };
        const offsetOf = (p) => (lineStarts[p.line - 1] ?? 0) + p.col - 1;
        validateDespiteSchemaErrors(raw, parsed.error.issues, d, locate, rangeOf, offsetOf);
        return { file, source, diagnostics: d, locate };
    }
    const plan = (0,model/* normalizePlan */.V1)(parsed.data);
    validatePlan(plan, d, locate, parsed.data);
    return { plan, file, source, diagnostics: d, locate };
}
/**
 * A schema error would otherwise hide every semantic error until it is fixed. Drop the values the
 * schema rejected inside tasks and waves (and unknown top-level keys), check the rest, and keep only
 * findings outside the tasks and waves that had schema errors: those are checked again once fixed.
 * Anything harder to set aside (instances, agent, a missing required key) skips this pass.
 */
function validateDespiteSchemaErrors(raw, issues, d, locate, rangeOf, offsetOf) {
    const repaired = structuredClone(raw);
    const owners = [];
    for (const issue of issues) {
        const path = issue.path;
        const ownerLength = path[0] === "waves" && path[2] === "tasks" && path.length >= 4 ? 4 : path[0] === "waves" && path.length >= 2 ? 2 : 0;
        const owner = valueAt(repaired, path.slice(0, ownerLength));
        if (!owner || typeof owner !== "object" || Array.isArray(owner))
            return;
        const keys = issue.code === "unrecognized_keys" && path.length === ownerLength
            ? issue.keys
            : ownerLength && path.length > ownerLength
                ? [String(path[ownerLength])]
                : [];
        if (keys.length === 0)
            return;
        for (const k of keys)
            delete owner[k];
        if (ownerLength)
            owners.push(path.slice(0, ownerLength));
    }
    const again = planSchema.safeParse(repaired);
    if (!again.success)
        return;
    const semantic = new diagnostics/* DiagnosticList */.w0(d.file);
    validatePlan((0,model/* normalizePlan */.V1)(again.data), semantic, locate, again.data);
    const hidden = owners.map(rangeOf).filter((r) => r !== undefined);
    for (const item of semantic.items) {
        const at = offsetOf(item);
        if (!hidden.some(([start, end]) => at >= start && at < end))
            d.items.push(item);
    }
}
/**
 * The YAML parser slows down sharply on flow collections nested thousands deep (`[[[[…`), which only
 * junk produces: spot such a line before parsing, by its brackets outside quotes. The offset of the
 * bracket that goes too deep, or undefined. Deep nesting spread over many lines is left to checkShape.
 */
function deepFlowOnOneLine(source) {
    let depth = 0;
    let quote = "";
    for (let i = 0; i < source.length; i++) {
        const c = source[i];
        if (c === "\n") {
            depth = 0;
            quote = "";
        }
        else if (quote) {
            if (c === quote)
                quote = "";
        }
        else if (c === '"' || c === "'")
            quote = c;
        else if (c === "[" || c === "{") {
            if (++depth > MAX_DEPTH)
                return i;
        }
        else if ((c === "]" || c === "}") && depth > 0)
            depth--;
    }
    return undefined;
}
/**
 * Before converting to JavaScript: refuse nesting deeper than any plan needs (conversion and schema
 * checks recurse) and keys that are lists or mappings (they cannot name anything in a plan).
 */
function checkShape(doc, d, at) {
    const stack = [{ node: doc.contents, depth: 1 }];
    while (stack.length) {
        const { node, depth } = stack.pop();
        if (!(0,dist/* isMap */.jh)(node) && !(0,dist/* isSeq */.oP)(node))
            continue;
        if (depth > MAX_DEPTH) {
            d.error("nesting", `values are nested more than ${MAX_DEPTH} levels deep; a plan needs about six`, at(node.range?.[0] ?? 0));
            return false;
        }
        for (const item of node.items) {
            if ((0,dist/* isPair */.tO)(item)) {
                if ((0,dist/* isMap */.jh)(item.key) || (0,dist/* isSeq */.oP)(item.key) || (0,dist/* isAlias */.Vj)(item.key)) {
                    d.error("key", "a key must be a plain value, not a list or a mapping", at(item.key.range?.[0] ?? 0));
                    return false;
                }
                stack.push({ node: item.value, depth: depth + 1 });
            }
            else if (!(0,dist/* isAlias */.Vj)(item))
                stack.push({ node: item, depth: depth + 1 });
        }
    }
    return true;
}
function findNode(root, path, key) {
    let node = root;
    for (let i = 0; i < path.length; i++) {
        const seg = path[i];
        if ((0,dist/* isMap */.jh)(node)) {
            const pair = node.items.find((p) => (0,dist/* isPair */.tO)(p) && (0,dist/* isScalar */.jn)(p.key) && String(p.key.value) === String(seg));
            if (!(0,dist/* isPair */.tO)(pair))
                return node;
            if (key && i === path.length - 1)
                return pair.key;
            node = pair.value ?? pair.key;
        }
        else if ((0,dist/* isSeq */.oP)(node) && typeof seg === "number") {
            const item = node.items[seg];
            if (!item)
                return node;
            node = item;
        }
        else {
            return node ?? undefined;
        }
    }
    return node ?? undefined;
}
function valueAt(root, path) {
    let v = root;
    for (const seg of path)
        v = v && typeof v === "object" ? v[seg] : undefined;
    return v;
}
function describe(value) {
    if (value === null || value === undefined)
        return "nothing";
    if (Array.isArray(value))
        return "a list";
    if (value instanceof Uint8Array)
        return "binary data";
    if (typeof value === "object")
        return "a mapping";
    if (typeof value === "string")
        return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    return `${typeof value} ${String(value)}`;
}
const KNOWN_KEYS = {
    plan: ["$schema", "version", "name", "description", "instances", "agent", "env", "land", "github", "waves"],
    instance: ["role", "focus"],
    agent: ["command", "setup", "secrets"],
    wave: ["id", "name", "description", "mode", "estimate", "tasks"],
    task: ["id", "instance", "title", "run", "prompt", "outputs", "timeout", "retries", "estimate", "env", "needs"],
    land: ["strategy", "branch", "message", "author"],
    github: ["runs-on", "pull-request", "node-version"],
};
function sectionOf(path) {
    const p = path.map(String);
    if (p.length === 0)
        return "plan";
    if (p[0] === "instances" && p.length === 2)
        return "instance";
    if (p[0] === "waves" && p.length === 2)
        return "wave";
    if (p[0] === "waves" && p[2] === "tasks" && p.length === 4)
        return "task";
    return p[p.length - 1];
}
function pathText(path) {
    return path.reduce((s, seg) => (typeof seg === "number" ? `${s}[${seg}]` : s ? `${s}.${String(seg)}` : String(seg)), "");
}
function reportSchemaIssue(issue, d, locate, raw) {
    const path = issue.path;
    const where = pathText(path) || "plan";
    switch (issue.code) {
        case "unrecognized_keys": {
            const section = sectionOf(path);
            const known = KNOWN_KEYS[section] ?? [];
            for (const k of issue.keys) {
                d.error("unknown-key", `unexpected key "${k}" in ${section}${didYouMean(k, known)}${known.length ? ` (expected one of ${known.join(", ")})` : ""}`, locate([...path, k], true));
            }
            return;
        }
        case "invalid_type": {
            const value = valueAt(raw, path);
            if (value === undefined) {
                const parent = path.slice(0, -1);
                d.error("missing-key", `${sectionOf(parent)} is missing required key "${String(path[path.length - 1])}"`, locate(parent, true));
            }
            else {
                d.error("type", `${where} must be ${issue.expected === "record" || issue.expected === "object" ? "a mapping" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}, got ${describe(value)}`, locate(path));
            }
            return;
        }
        case "invalid_value":
            if (valueAt(raw, path) === undefined) {
                const parent = path.slice(0, -1);
                d.error("missing-key", `${sectionOf(parent)} is missing required key "${String(path[path.length - 1])}"`, locate(parent, true));
                return;
            }
            d.error("value", `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(valueAt(raw, path))}`, locate(path));
            return;
        case "invalid_key": {
            const key = String(path[path.length - 1]);
            d.error("id", `${where}: "${key}": ${issue.issues[0]?.message ?? issue.message}`, locate(path, true));
            return;
        }
        case "invalid_union":
            // the only union in the schema: environment variable values
            if (path.includes("env")) {
                d.error("type", `${where} must be a string, a number or a boolean, got ${describe(valueAt(raw, path))}`, locate(path));
                return;
            }
            d.error("value", `${where}: ${issue.message}`, locate(path));
            return;
        case "too_small":
        case "too_big": {
            const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
            const message = issue.origin === "string" && issue.code === "too_small" && Number(bound) <= 1
                ? `${where} must not be empty`
                : issue.origin === "number"
                    ? `${where} must be ${issue.code === "too_small" ? "at least" : "at most"} ${String(bound)}, got ${describe(valueAt(raw, path))}`
                    : `${where}: ${issue.message}`;
            d.error("value", message, locate(path));
            return;
        }
        default:
            d.error("value", `${where}: ${issue.message}`, locate(path));
    }
}

// EXTERNAL MODULE: ./src/action/errors.ts
var errors = __webpack_require__(78055);
// EXTERNAL MODULE: ./src/action/runner.ts
var runner = __webpack_require__(75242);
;// CONCATENATED MODULE: ./src/action/plan.ts
/** Loading the plan named by the `plan` input, with diagnostics naming it as the repository does. */





async function loadPlan(r) {
    const { rel, abs } = (0,runner/* planPath */.pw)(r);
    const size = await (0,promises_.stat)(abs).then((s) => s.size, () => {
        throw new errors.ActionError(`plan file ${rel} does not exist in the checkout (${r.workspace})`);
    });
    if (size > MAX_PLAN_BYTES) {
        const d = new diagnostics/* DiagnosticList */.w0(rel);
        d.error("file-too-large", `plan file is ${size} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`, { line: 1, col: 1 });
        throw new diagnostics/* PlanError */.W6(d.items, "");
    }
    // diagnostics carry the repository-relative path, so annotations land on the file in the PR view
    return requirePlan(checkPlan(await (0,promises_.readFile)(abs), rel));
}


/***/ }),

/***/ 75242:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   We: () => (/* binding */ taskBaseEnv),
/* harmony export */   hF: () => (/* binding */ input),
/* harmony export */   lj: () => (/* binding */ runner),
/* harmony export */   pw: () => (/* binding */ planPath)
/* harmony export */ });
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(91659);
/* harmony import */ var _engine_env_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(98725);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(78055);
/**
 * What the runner tells a JavaScript action through its environment, read in one place so every
 * command fails the same way when something is missing.
 */





function required(name) {
    const value = process.env[name];
    if (!value)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__.ActionError(`${name} is not set: this command runs inside a GitHub Actions job`);
    return value;
}
function runner() {
    const attempt = Number(process.env.GITHUB_RUN_ATTEMPT ?? "1");
    if (!Number.isInteger(attempt) || attempt < 1)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__.ActionError(`GITHUB_RUN_ATTEMPT is "${process.env.GITHUB_RUN_ATTEMPT}", not a positive integer`);
    const workspace = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.resolve)(required("GITHUB_WORKSPACE"));
    const runId = required("GITHUB_RUN_ID");
    const temp = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(process.env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_0__.tmpdir)(), `waveplan-${runId}-${attempt}`);
    return { workspace, runId, attempt, sha: required("GITHUB_SHA"), temp };
}
/** A required input. */
function input(name) {
    const value = _actions_core__WEBPACK_IMPORTED_MODULE_2__/* .getInput */ .V4(name);
    if (!value)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__.ActionError(`input "${name}" is required for command "${_actions_core__WEBPACK_IMPORTED_MODULE_2__/* .getInput */ .V4("command")}"`);
    return value;
}
/** The plan file: a path relative to the checkout (as in the workflow), and where it is on disk. */
function planPath(r) {
    const rel = input("plan");
    if ((0,node_path__WEBPACK_IMPORTED_MODULE_1__.isAbsolute)(rel) || rel.split(/[\\/]/).includes(".."))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__.ActionError(`input "plan" must be a path inside the repository, got "${rel}"`);
    return { rel, abs: (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(r.workspace, rel) };
}
/**
 * The environment a task starts from: the job's, without what would let a task act as the action
 * (the runtime token uploads artifacts, INPUT_* carries the token) or reach other steps (GITHUB_ENV
 * and friends), and without git variables pointing at another repository.
 */
function taskBaseEnv() {
    return (0,_engine_env_js__WEBPACK_IMPORTED_MODULE_4__/* .inheritedEnv */ .C)(/^(ACTIONS_RUNTIME_TOKEN|ACTIONS_RUNTIME_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL|INPUT_.*|GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_STEP_SUMMARY|GIT_CONFIG_.*)$/);
}


/***/ }),

/***/ 83361:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cs: () => (/* binding */ artifactName),
/* harmony export */   DE: () => (/* binding */ CHECKPOINT_SCHEMA),
/* harmony export */   JQ: () => (/* binding */ OUTPUTS_DIR),
/* harmony export */   TZ: () => (/* binding */ parseArtifactName),
/* harmony export */   lt: () => (/* binding */ RECORD_FILE),
/* harmony export */   mO: () => (/* binding */ PATCH_FILE)
/* harmony export */ });
/**
 * The checkpoint: proof that a task finished. The same files travel locally (a folder under
 * .waveplan/runs/<run>/checkpoints/<task>/) and on GitHub (one artifact per task and attempt):
 *
 *   record.json      this record
 *   change.patch     the task's change, `git diff --binary` against its materialized tree
 *   outputs/<path>   the declared outputs, byte for byte (also when git-ignored)
 *
 * Records chain: each lists the sha256 of every upstream record it consumed, so tampering anywhere
 * shows at the end.
 */
const CHECKPOINT_SCHEMA = "waveplan.checkpoint/v1";
const RECORD_FILE = "record.json";
const PATCH_FILE = "change.patch";
const OUTPUTS_DIR = "outputs";
/** GitHub artifact name of a task's checkpoint in one run attempt (artifacts are immutable per name). */
function artifactName(taskId, attempt) {
    return `waveplan-${taskId}.${attempt}`;
}
/** Parses an artifact name back; undefined for artifacts that are not waveplan checkpoints. */
function parseArtifactName(name) {
    const m = /^waveplan-(.+)\.(\d+)$/.exec(name);
    return m ? { taskId: m[1], attempt: Number(m[2]) } : undefined;
}


/***/ }),

/***/ 57588:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   L: () => (/* binding */ SecretGuardStore),
/* harmony export */   q: () => (/* binding */ SecretLeakError)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/**
 * A checkpoint holding the value of a secret is refused before it is published: on GitHub artifacts
 * are readable by anyone who can read the repository's Actions runs (the log's masking does not reach
 * them), and locally the change would land in a commit.
 * Like the log's masking this catches the value as written, not encoded (a binary file's base85 in
 * the patch would pass): it stops the common accident, it is no sandbox for a hostile agent.
 */


class SecretLeakError extends Error {
}
/** Values this short occur by chance in any patch; they cannot be told apart from a leak. */
const MIN_SECRET_LENGTH = 6;
class SecretGuardStore {
    inner;
    secrets;
    constructor(inner, secrets) {
        this.inner = inner;
        this.secrets = secrets.filter((s) => s.value.length >= MIN_SECRET_LENGTH).map((s) => ({ name: s.name, value: Buffer.from(s.value) }));
    }
    fetch(taskId) {
        return this.inner.fetch(taskId);
    }
    async publish(taskId, dir) {
        if (this.secrets.length) {
            for (const entry of await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(dir, { recursive: true, withFileTypes: true })) {
                if (!entry.isFile())
                    continue;
                const file = (0,node_path__WEBPACK_IMPORTED_MODULE_1__.join)(entry.parentPath, entry.name);
                const data = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(file);
                const leaked = this.secrets.find((s) => data.includes(s.value));
                if (leaked) {
                    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(dir, { recursive: true, force: true }); // the staged copy must not linger either
                    throw new SecretLeakError(`task "${taskId}" put the value of secret ${leaked.name} into its checkpoint (${(0,node_path__WEBPACK_IMPORTED_MODULE_1__.relative)(dir, file)}); the checkpoint was refused`);
                }
            }
        }
        await this.inner.publish(taskId, dir);
    }
}


/***/ }),

/***/ 26681:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q3: () => (/* binding */ sha256File),
/* harmony export */   jg: () => (/* binding */ CheckpointError),
/* harmony export */   om: () => (/* binding */ verifyCheckpoint)
/* harmony export */ });
/* unused harmony export safeRelative */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _record_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(83361);
/**
 * Verifies a checkpoint folder against what the current run expects. Every failure names the task
 * and the reason, so a forged or stale checkpoint is refused with an explanation.
 */





class CheckpointError extends Error {
    taskId;
    reason;
    constructor(taskId, reason) {
        super(`checkpoint of task "${taskId}" rejected: ${reason}`);
        this.taskId = taskId;
        this.reason = reason;
    }
}
async function sha256File(file) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)("sha256");
    for await (const chunk of (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream)(file))
        hash.update(chunk);
    return hash.digest("hex");
}
async function verifyCheckpoint(dir, want) {
    const fail = (reason) => {
        throw new CheckpointError(want.taskId, reason);
    };
    // A checkpoint is plain files: a symlink could make verification read (and landing apply) bytes
    // from anywhere on the machine, so one anywhere in the folder is refused outright.
    for (const name of [_record_js__WEBPACK_IMPORTED_MODULE_4__/* .RECORD_FILE */ .lt, _record_js__WEBPACK_IMPORTED_MODULE_4__/* .PATCH_FILE */ .mO]) {
        const st = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.lstat)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, name)).catch(() => undefined);
        if (!st)
            fail(`${name} is missing`);
        else if (st.isSymbolicLink())
            fail(`${name} is a symbolic link`);
        else if (!st.isFile())
            fail(`${name} is not a regular file`);
    }
    const outputsStat = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.lstat)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, _record_js__WEBPACK_IMPORTED_MODULE_4__/* .OUTPUTS_DIR */ .JQ)).catch(() => undefined);
    if (outputsStat && !outputsStat.isDirectory())
        fail(`${_record_js__WEBPACK_IMPORTED_MODULE_4__/* .OUTPUTS_DIR */ .JQ} is ${outputsStat.isSymbolicLink() ? "a symbolic link" : "not a folder"}`);
    const present = await listFiles((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, _record_js__WEBPACK_IMPORTED_MODULE_4__/* .OUTPUTS_DIR */ .JQ));
    for (const entry of present) {
        if (entry.kind !== "file")
            fail(`outputs/${entry.path} is ${entry.kind === "symlink" ? "a symbolic link" : "not a regular file"}`);
    }
    let raw;
    try {
        raw = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, _record_js__WEBPACK_IMPORTED_MODULE_4__/* .RECORD_FILE */ .lt));
    }
    catch {
        return fail(`${_record_js__WEBPACK_IMPORTED_MODULE_4__/* .RECORD_FILE */ .lt} cannot be read`);
    }
    let record;
    try {
        record = JSON.parse(raw.toString("utf8"));
    }
    catch {
        return fail(`${_record_js__WEBPACK_IMPORTED_MODULE_4__/* .RECORD_FILE */ .lt} is not valid JSON`);
    }
    if (record?.schema !== _record_js__WEBPACK_IMPORTED_MODULE_4__/* .CHECKPOINT_SCHEMA */ .DE)
        fail(`unknown record schema ${JSON.stringify(record?.schema)}`);
    const malformed = recordShapeError(record);
    if (malformed)
        fail(`${_record_js__WEBPACK_IMPORTED_MODULE_4__/* .RECORD_FILE */ .lt} is malformed: ${malformed}`);
    if (record.task?.id !== want.taskId)
        fail(`record is for task "${record.task?.id}"`);
    if (record.run?.id !== want.runId)
        fail(`record comes from another run (${record.run?.id}, expected ${want.runId})`);
    if (record.base !== want.base)
        fail(`record was made on base ${record.base}, this run is based on ${want.base}`);
    if (record.plan?.name !== want.planName)
        fail(`record is from plan "${record.plan?.name}"`);
    if (want.planHash !== undefined && record.plan?.hash !== want.planHash)
        fail("record is from another version of the plan (plan hash differs)");
    if (record.task.hash !== want.taskHash)
        fail("the task's definition changed since this checkpoint was made");
    if (want.requireSuccess !== false && record.status !== "success")
        fail(`task ${record.status === "failure" ? "failed" : `has status ${record.status}`}${record.error ? `: ${record.error}` : ""}`);
    const upstream = record.upstream;
    if (upstream.length !== want.upstream.length || upstream.some((u, i) => u.task !== want.upstream[i].task))
        fail(`it was built on upstream tasks ${upstream.map((u) => u.task).join(", ") || "(none)"}, the plan says ${want.upstream.map((u) => u.task).join(", ") || "(none)"}`);
    const changed = upstream.find((u, i) => u.record !== want.upstream[i].record);
    if (changed)
        fail(`upstream checkpoint of task "${changed.task}" is not the one it was built on (that record.json was edited or replaced after this task consumed it)`);
    const patchFile = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, _record_js__WEBPACK_IMPORTED_MODULE_4__/* .PATCH_FILE */ .mO);
    const patchSha = await sha256File(patchFile).catch(() => fail(`${_record_js__WEBPACK_IMPORTED_MODULE_4__/* .PATCH_FILE */ .mO} is missing`));
    if (patchSha !== record.patch?.sha256)
        fail(`${_record_js__WEBPACK_IMPORTED_MODULE_4__/* .PATCH_FILE */ .mO} does not match the sha256 in the record (edited patch?)`);
    const declared = new Set();
    for (const out of record.outputs ?? []) {
        const safe = safeRelative(out.path);
        if (!safe)
            fail(`output path ${JSON.stringify(out.path)} escapes the checkpoint`);
        declared.add(safe);
        const file = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, _record_js__WEBPACK_IMPORTED_MODULE_4__/* .OUTPUTS_DIR */ .JQ, safe);
        const st = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.lstat)(file).catch(() => fail(`output ${out.path} is missing`));
        if (!st.isFile())
            fail(`output ${out.path} is not a regular file`);
        if ((await sha256File(file)) !== out.sha256)
            fail(`output ${out.path} does not match its sha256`);
    }
    for (const extra of present) {
        if (!declared.has(extra.path))
            fail(`unexpected file outputs/${extra.path} not listed in the record`);
    }
    const recordSha256 = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)("sha256").update(raw).digest("hex");
    return { dir, record, recordSha256, patchFile };
}
/** A relative path that stays inside its folder, in posix form; undefined otherwise. */
function safeRelative(p) {
    if (typeof p !== "string" || p === "" || p.includes("\0") || p.startsWith("/") || /^[A-Za-z]:/.test(p) || p.includes("\\"))
        return undefined;
    const norm = node_path__WEBPACK_IMPORTED_MODULE_3__.posix.normalize(p);
    if (norm === "." || norm === ".." || norm.startsWith("../"))
        return undefined;
    return norm;
}
/** Everything under `root` except folders, without following symbolic links. */
async function listFiles(root) {
    const out = [];
    const walk = async (d) => {
        const entries = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readdir)(d, { withFileTypes: true }).catch(() => []);
        for (const e of entries) {
            const full = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(d, e.name);
            if (e.isDirectory())
                await walk(full);
            else
                out.push({
                    path: (0,node_path__WEBPACK_IMPORTED_MODULE_3__.relative)(root, full).split(node_path__WEBPACK_IMPORTED_MODULE_3__.sep).join("/"),
                    kind: e.isFile() ? "file" : e.isSymbolicLink() ? "symlink" : "other",
                });
        }
    };
    await walk(root);
    return out;
}
/** The fields verification and landing rely on, with the types they need; undefined when fine. */
function recordShapeError(r) {
    const isString = (v) => typeof v === "string";
    if (!r.task || !isString(r.task.id) || !isString(r.task.hash))
        return "task must have a string id and hash";
    if (!r.run || !isString(r.run.id))
        return "run must have a string id";
    if (!r.plan || !isString(r.plan.name))
        return "plan must have a string name";
    if (!isString(r.base))
        return "base must be a commit id";
    if (!r.patch || !isString(r.patch.sha256) || !Array.isArray(r.patch.files) || !r.patch.files.every(isString))
        return "patch must have a sha256 and a list of files";
    if (!Array.isArray(r.outputs) || !r.outputs.every((o) => o && isString(o.path) && isString(o.sha256)))
        return "outputs must be a list of {path, sha256}";
    if (!Array.isArray(r.upstream) || !r.upstream.every((u) => u && isString(u.task) && isString(u.record)))
        return "upstream must be a list of {task, record}";
    return undefined;
}


/***/ }),

/***/ 98725:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ inheritedEnv),
/* harmony export */   p: () => (/* binding */ namedSecrets)
/* harmony export */ });
/** The environment a task starts from: the caller's, minus what must not leak into it. */
/** Variables that would point a task's git at another repository than its own worktree. */
const GIT_POINTERS = /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|COMMON_DIR)$/;
/** The values of the variables `names` that are set and non-empty, with their names. */
function namedSecrets(names, env = process.env) {
    return names.flatMap((name) => {
        const value = env[name];
        return typeof value === "string" && value !== "" ? [{ name, value }] : [];
    });
}
/** process.env without git pointers and without any variable matching `drop` (e.g. a runner's credentials). */
function inheritedEnv(drop) {
    const env = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (v === undefined || GIT_POINTERS.test(k) || drop?.test(k))
            continue;
        env[k] = v;
    }
    return env;
}


/***/ }),

/***/ 14347:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gj: () => (/* binding */ gate),
/* harmony export */   Vx: () => (/* binding */ assertNoConflicts),
/* harmony export */   rJ: () => (/* binding */ expectationsFor),
/* harmony export */   ue: () => (/* binding */ GateError)
/* harmony export */ });
/* harmony import */ var _checkpoint_verify_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(26681);
/* harmony import */ var _graph_upstream_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(48075);
/* harmony import */ var _plan_hash_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(22239);



class GateError extends Error {
}
/** Verified upstream checkpoints of `task`, in plan order. */
async function gate(ctx, task) {
    const upstream = (0,_graph_upstream_js__WEBPACK_IMPORTED_MODULE_2__/* .upstreamOf */ .Fw)(ctx.plan, task);
    // Fetch everything missing at once (downloads run in parallel on GitHub), then verify in plan order,
    // because each record's expected upstream hashes are the records verified before it.
    const missing = upstream.filter((u) => !ctx.verified.has(u.id));
    const fetched = new Map(await Promise.all(missing.map(async (u) => [u.id, await ctx.store.fetch(u.id)])));
    for (const u of upstream) {
        if (ctx.verified.has(u.id))
            continue;
        const dir = fetched.get(u.id);
        if (!dir)
            throw new GateError(`task "${task.id}" cannot start: upstream task "${u.id}" has no checkpoint in this run`);
        ctx.verified.set(u.id, await (0,_checkpoint_verify_js__WEBPACK_IMPORTED_MODULE_0__/* .verifyCheckpoint */ .om)(dir, expectationsFor(ctx, u)));
    }
    const verified = upstream.map((u) => ctx.verified.get(u.id));
    assertNoConflicts(ctx.plan, verified);
    return verified;
}
function expectationsFor(ctx, task) {
    return {
        taskId: task.id,
        taskHash: (0,_plan_hash_js__WEBPACK_IMPORTED_MODULE_1__/* .taskHash */ .UP)(ctx.plan, task),
        runId: ctx.runId,
        base: ctx.base,
        planName: ctx.plan.name,
        planHash: ctx.strictPlanHash ? ctx.planHash : undefined,
        upstream: (0,_graph_upstream_js__WEBPACK_IMPORTED_MODULE_2__/* .upstreamOf */ .Fw)(ctx.plan, task).map((u) => {
            const v = ctx.verified.get(u.id);
            if (!v)
                throw new GateError(`task "${task.id}": upstream task "${u.id}" was not verified first`);
            return { task: u.id, record: v.recordSha256 };
        }),
    };
}
/** Parallel tasks never see each other's changes, so two of them touching one path is a plan bug. */
function assertNoConflicts(plan, checkpoints) {
    const owner = new Map();
    for (const cp of checkpoints) {
        const t = plan.tasks.find((x) => x.id === cp.record.task.id);
        if (!t || plan.waves[t.waveIndex].mode !== "parallel")
            continue;
        for (const file of cp.record.patch.files) {
            const key = `${t.waveIndex}\0${file}`;
            const other = owner.get(key);
            if (other)
                throw new GateError(`conflict: parallel tasks "${other}" and "${t.id}" of wave "${t.waveId}" both change ${file}`);
            owner.set(key, t.id);
        }
    }
}


/***/ }),

/***/ 48075:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fw: () => (/* binding */ upstreamOf)
/* harmony export */ });
/* unused harmony exports directUpstreamOf, downstreamClosure */
function upstreamOf(plan, task) {
    const wave = plan.waves[task.waveIndex];
    const earlier = plan.tasks.filter((t) => t.waveIndex < task.waveIndex);
    return wave.mode === "sequential" ? [...earlier, ...wave.tasks.slice(0, task.position)] : earlier;
}
/** The direct predecessors: what a task waits for in a drawing of the graph. */
function directUpstreamOf(plan, task) {
    const wave = plan.waves[task.waveIndex];
    if (wave.mode === "sequential" && task.position > 0)
        return [wave.tasks[task.position - 1]];
    const prev = plan.waves[task.waveIndex - 1];
    if (!prev)
        return [];
    return prev.mode === "sequential" ? [prev.tasks[prev.tasks.length - 1]] : prev.tasks;
}
/** Tasks that must re-run when `changed` re-runs: everything whose upstream contains one of them. */
function downstreamClosure(plan, changed) {
    const out = new Set(changed);
    for (const t of plan.tasks) {
        if (out.has(t.id))
            continue;
        if (upstreamOf(plan, t).some((u) => out.has(u.id)))
            out.add(t.id);
    }
    return out;
}


/***/ }),

/***/ 40499:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W6: () => (/* binding */ PlanError),
/* harmony export */   w0: () => (/* binding */ DiagnosticList)
/* harmony export */ });
/* unused harmony exports formatDiagnostic, formatDiagnostics */
class DiagnosticList {
    file;
    items = [];
    constructor(file) {
        this.file = file;
    }
    error(rule, message, at) {
        this.items.push({ severity: "error", rule, message, file: this.file, ...at });
    }
    warning(rule, message, at) {
        this.items.push({ severity: "warning", rule, message, file: this.file, ...at });
    }
    get errors() {
        return this.items.filter((d) => d.severity === "error");
    }
    get hasErrors() {
        return this.items.some((d) => d.severity === "error");
    }
    sorted() {
        return [...this.items].sort((a, b) => a.line - b.line || a.col - b.col);
    }
}
/** Thrown by loaders when a file cannot be turned into a plan; carries every problem found. */
class PlanError extends Error {
    diagnostics;
    source;
    constructor(diagnostics, source) {
        super(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`).join("\n"));
        this.diagnostics = diagnostics;
        this.source = source;
    }
}
const MAX_EXCERPT = 160;
/** Render one diagnostic with a caret excerpt of its source line, actionlint style. */
function formatDiagnostic(d, source) {
    const head = `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.rule}]`;
    if (source === undefined)
        return head;
    const lineText = (typeof source === "string" ? source.split("\n") : source)[d.line - 1];
    if (lineText === undefined)
        return head;
    const shown = lineText.replace(/\r$/, "").slice(0, MAX_EXCERPT);
    const gutter = String(d.line);
    const pad = " ".repeat(gutter.length);
    const caretCol = Math.min(Math.max(d.col - 1, 0), shown.length);
    const span = Math.max(1, Math.min(d.length ?? 1, shown.length - caretCol || 1));
    const caret = `${" ".repeat(caretCol)}^${"~".repeat(span - 1)}`;
    return `${head}\n${pad} |\n${gutter} | ${shown}\n${pad} | ${caret}`;
}
function formatDiagnostics(list, source) {
    const lines = source?.split("\n"); // once, not per diagnostic: large plans can have thousands
    return list.map((d) => formatDiagnostic(d, lines)).join("\n");
}


/***/ }),

/***/ 72983:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cq: () => (/* binding */ DURATION_PATTERN),
/* harmony export */   E9: () => (/* binding */ parseDuration),
/* harmony export */   a3: () => (/* binding */ formatDuration)
/* harmony export */ });
/** Durations as people write them in plans: `90s`, `5m`, `1h30m`, `2h`. */
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const DURATION_PATTERN = "^(?:\\d+h)?(?:\\d+m)?(?:\\d+s)?$";
/** Milliseconds, or undefined when the text is not a duration. */
function parseDuration(text) {
    const m = DURATION.exec(text.trim());
    if (!m || text.trim() === "")
        return undefined;
    const [, h, min, s] = m;
    return ((Number(h ?? 0) * 60 + Number(min ?? 0)) * 60 + Number(s ?? 0)) * 1000;
}
/** Compact human form: `1h30m`, `5m`, `42s`, `850ms`. */
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    if (ms < 60_000) {
        const s = ms / 1000;
        return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
    }
    const totalS = Math.round(ms / 1000);
    const h = Math.floor(totalS / 3600);
    const m = Math.floor((totalS % 3600) / 60);
    const s = totalS % 60;
    return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s && !h ? `${s}s` : ""}` || "0s";
}


/***/ }),

/***/ 22239:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SH: () => (/* binding */ planHash),
/* harmony export */   UP: () => (/* binding */ taskHash),
/* harmony export */   sc: () => (/* binding */ sha256)
/* harmony export */ });
/* unused harmony export canonicalJson */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Content hashes of the parsed plan. They ignore formatting, comments and key order so that
 * reformatting a plan never makes a compiled workflow or a checkpoint stale.
 */

function sha256(data) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)("sha256").update(data).digest("hex");
}
/** JSON with sorted keys and no `source` positions: equal for equal meaning. */
function canonicalJson(value) {
    // A direct walk: JSON.stringify with a key-sorting replacer copies every object, which made hashing
    // a 10k-task plan take a fifth of `compile`.
    if (value === null || typeof value !== "object")
        return JSON.stringify(value) ?? "null";
    if (Array.isArray(value))
        return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
    const record = value;
    const parts = [];
    for (const key of Object.keys(record).sort()) {
        const v = record[key];
        if (key === "source" || v === undefined || typeof v === "function")
            continue;
        parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
    }
    return `{${parts.join(",")}}`;
}
function planHash(plan) {
    return sha256(canonicalJson(plan));
}
/**
 * What a task's result depends on besides its upstream: its own definition, the plan env, and for
 * prompt tasks the agent. A checkpoint made under a different task hash is re-run on resume.
 */
function taskHash(plan, task) {
    const { index: _index, source: _source, ...definition } = task;
    return sha256(canonicalJson({ definition, env: plan.env, agent: task.kind === "prompt" ? plan.agent : undefined }));
}


/***/ }),

/***/ 38582:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   V1: () => (/* binding */ normalizePlan),
/* harmony export */   VX: () => (/* binding */ findTask)
/* harmony export */ });
/* unused harmony exports DEFAULT_TASK_TIMEOUT_MS, instanceOf */
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(72983);
/**
 * The normalized plan: defaults applied, ids filled in, durations parsed. Everything downstream
 * (graph, compile, run) works on this shape, never on raw YAML.
 */

const DEFAULT_TASK_TIMEOUT_MS = 30 * 60_000;
/** Builds the normalized plan from schema-valid input. Never fails: semantic checks live in validate.ts. */
function normalizePlan(input) {
    const tasks = [];
    const waves = input.waves.map((w, waveIndex) => {
        const perInstance = new Map();
        const wave = {
            id: w.id,
            index: waveIndex,
            name: w.name ?? w.id,
            description: w.description,
            mode: w.mode ?? "parallel",
            estimateMs: w.estimate === undefined ? undefined : (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(w.estimate),
            tasks: [],
            source: ["waves", waveIndex],
        };
        w.tasks.forEach((t, position) => {
            const n = (perInstance.get(t.instance) ?? 0) + 1;
            perInstance.set(t.instance, n);
            const kind = t.prompt !== undefined && t.run === undefined ? "prompt" : "run";
            const task = {
                id: t.id ?? `${t.instance}-${w.id}-${n}`,
                index: tasks.length,
                waveId: w.id,
                waveIndex,
                position,
                instance: t.instance,
                title: t.title ?? firstLine(t.run ?? t.prompt ?? "") ?? "",
                kind,
                body: (kind === "prompt" ? t.prompt : t.run) ?? "",
                outputs: t.outputs ?? [],
                timeoutMs: t.timeout === undefined ? DEFAULT_TASK_TIMEOUT_MS : ((0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(t.timeout) ?? DEFAULT_TASK_TIMEOUT_MS),
                retries: t.retries ?? 0,
                estimateMs: t.estimate === undefined ? undefined : (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .parseDuration */ .E9)(t.estimate),
                env: (t.env ?? {}),
                needs: t.needs ?? [],
                source: ["waves", waveIndex, "tasks", position],
            };
            wave.tasks.push(task);
            tasks.push(task);
        });
        return wave;
    });
    return {
        version: 1,
        name: input.name,
        description: input.description,
        instances: Object.entries(input.instances).map(([id, i]) => ({ id, role: i.role, focus: i.focus })),
        agent: input.agent && { command: input.agent.command, setup: input.agent.setup, secrets: input.agent.secrets ?? [] },
        env: (input.env ?? {}),
        land: {
            strategy: input.land?.strategy ?? "commit",
            branch: input.land?.branch,
            message: input.land?.message,
            author: input.land?.author,
        },
        github: { runsOn: input.github?.["runs-on"] ?? "ubuntu-latest", pullRequest: input.github?.["pull-request"] ?? false },
        waves,
        tasks,
    };
}
function firstLine(text) {
    return text
        .split("\n")
        .map((l) => l.trim())
        .find((l) => l !== "")
        ?.slice(0, 80);
}
function findTask(plan, id) {
    return plan.tasks.find((t) => t.id === id);
}
function instanceOf(plan, id) {
    return plan.instances.find((i) => i.id === id);
}


/***/ })

};
