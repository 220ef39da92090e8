/**
 * Loads `@actions/workflow-parser`, which imports its JSON schema without an import attribute: plain
 * Node refuses that, so a loader hook adds `type: "json"` to attribute-less `.json` imports first.
 */
import { register } from "node:module";

const hooks = `export async function load(url, context, nextLoad) {
  if (url.endsWith(".json") && !context.importAttributes?.type)
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  return nextLoad(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const parser: typeof import("@actions/workflow-parser") = await import("@actions/workflow-parser");

/** Every error GitHub's parser reports for a workflow: schema validation, then conversion. */
export async function githubParse(name: string, content: string): Promise<string[]> {
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length || !result.value) return errors.length ? errors : ["no value"];
  const template = await parser.convertWorkflowTemplate(result.context, result.value);
  return [...(template.errors ?? []).map((e) => e.Message), ...result.context.errors.getErrors().map((e) => e.message)];
}

/** The job ids and each job's `needs`, as GitHub's parser reads them. */
export async function githubJobGraph(name: string, content: string): Promise<Map<string, string[]>> {
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  if (!result.value) throw new Error("workflow did not parse");
  const template = await parser.convertWorkflowTemplate(result.context, result.value);
  return new Map(template.jobs.map((j) => [j.id.value, (j.needs ?? []).map((n) => n.value)]));
}
