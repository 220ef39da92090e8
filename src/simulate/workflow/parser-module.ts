/**
 * Loads `@actions/workflow-parser` on demand. It imports its JSON schema without an import
 * attribute, which plain Node refuses; a loader hook adds `type: "json"` first. The hook is
 * registered only here (only `simulate` needs the parser), so no other command pays for the hooks
 * thread. In the ncc bundle the JSON is inlined and the hook has nothing to do.
 */
import { register } from "node:module";

type ParserModule = typeof import("@actions/workflow-parser");

const HOOKS = `export async function load(url, context, nextLoad) {
  if (url.endsWith(".json") && !context.importAttributes?.type)
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  return nextLoad(url, context);
}`;

let loading: Promise<ParserModule> | undefined;

export function loadWorkflowParser(): Promise<ParserModule> {
  if (!loading) {
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
    // "eager": bundled into the CLI file itself (no chunk file), still evaluated only when called
    loading = import(/* webpackMode: "eager" */ "@actions/workflow-parser");
  }
  return loading;
}
