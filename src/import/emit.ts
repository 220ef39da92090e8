/**
 * The imported plan as YAML text: a header naming the source, scripts and prompts as `|` block
 * scalars, instances one per line, and comments where the markdown left something to fill in.
 * The output depends only on its input, so `import --check` can compare it byte for byte.
 */
import { Document, isScalar, isSeq, Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import { DEFAULT_AGENT, type ImportedPlan } from "./imported.js";

export interface EmitOptions {
  /** the markdown file as it should be named in the header */
  source: string;
  /** the output file relative to its own directory, for the regenerate hint (omit when printing to stdout) */
  output?: string;
  /** the flags that shaped the import (`--tag x`, `--all` …), repeated in the regenerate hint */
  flags?: string[];
  /** what the source is, in the header: "markdown" (default), "GSD phase", "Task Master tasks" */
  kind?: string;
}

export function emitPlan(plan: ImportedPlan, opts: EmitOptions): string {
  const waves = plan.waves.map((w) => ({
    id: w.id,
    name: w.name,
    ...(w.description ? { description: w.description } : {}),
    ...(w.mode === "sequential" ? { mode: "sequential" } : {}),
    ...(w.estimate ? { estimate: w.estimate } : {}),
    tasks: w.tasks.map((t) => ({
      ...(t.id ? { id: t.id } : {}),
      instance: t.instance,
      title: t.title,
      ...(t.run !== undefined ? { run: t.run } : { prompt: t.prompt }),
      ...(t.outputs.length ? { outputs: t.outputs } : {}),
      ...(t.needs?.length ? { needs: t.needs } : {}),
      ...(t.files?.length ? { files: t.files } : {}),
    })),
  }));
  const doc = new Document({
    version: 1,
    name: plan.name,
    ...(plan.description ? { description: plan.description } : {}),
    instances: Object.fromEntries(plan.instances.map((i) => [i.id, { role: i.role, ...(i.focus ? { focus: i.focus } : {}) }])),
    ...(plan.needsAgent ? { agent: DEFAULT_AGENT } : {}),
    waves,
  });

  const flags = (opts.flags ?? []).map((f) => ` ${quoteArg(f)}`).join("");
  const regenerate = `waveplan import ${quoteArg(opts.source)}${flags}${opts.output ? ` -o ${quoteArg(opts.output)}` : ""}`;
  doc.commentBefore = [
    ` Imported from ${opts.source} by \`waveplan import\`; edit the ${opts.kind ?? "markdown"} and re-import, or edit this file and stop re-importing.`,
    ` Regenerate${opts.output ? " (from this file's directory)" : ""}: ${regenerate}`,
    ...(opts.output ? [` Check it is current: ${regenerate} --check`] : []),
  ].join("\n");

  for (const pair of (doc.get("instances") as YAMLMap).items) (pair.value as YAMLMap).flow = true;

  const waveNodes = doc.get("waves") as YAMLSeq;
  plan.waves.forEach((w, wi) => {
    const waveNode = waveNodes.items[wi] as YAMLMap;
    if (wi > 0) waveNode.spaceBefore = true;
    if (w.placeholder)
      waveNode.commentBefore = ` No detailed section for ${w.id} in the markdown: these tasks are placeholders built from the timeline.`;
    const taskNodes = waveNode.get("tasks") as YAMLSeq;
    w.tasks.forEach((t, ti) => {
      const taskNode = taskNodes.items[ti] as YAMLMap;
      if (t.note)
        taskNode.commentBefore = t.note
          .split("\n")
          .map((l) => (l ? ` ${l}` : ""))
          .join("\n");
      const body = taskNode.get(t.run !== undefined ? "run" : "prompt", true);
      if (isScalar(body)) body.type = Scalar.BLOCK_LITERAL;
      const outputs = taskNode.get("outputs");
      if (isSeq(outputs)) outputs.flow = true;
      const needs = taskNode.get("needs");
      if (isSeq(needs)) needs.flow = true;
    });
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: true });
}

/** Quote a path for the shell only when it needs it. */
function quoteArg(arg: string): string {
  return /^[\w./@%+=:,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
