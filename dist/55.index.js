export const id = 55;
export const ids = [55];
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


/***/ })

};
