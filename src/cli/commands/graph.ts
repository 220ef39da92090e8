import type { Command } from "commander";
import { GRAPH_FORMATS, type GraphFormat, renderGraph } from "../../graph/render.js";
import { loadPlanFile } from "../../plan/load.js";
import { didYouMean } from "../../plan/suggest.js";
import { UsageError } from "../errors.js";

export function registerGraph(program: Command): void {
  program
    .command("graph")
    .description("draw the wave graph: a text timeline, Mermaid or Graphviz DOT")
    .argument("<plan>", "plan file (YAML)")
    .option("-f, --format <format>", `one of ${GRAPH_FORMATS.join(", ")}`, "text")
    .action((file: string, opts: { format: string }) => {
      // checked before loading: a usage mistake is reported as such even when the plan is also broken
      if (!GRAPH_FORMATS.includes(opts.format as GraphFormat))
        throw new UsageError(
          `--format: unknown format "${opts.format}"${didYouMean(opts.format, GRAPH_FORMATS)} (expected ${GRAPH_FORMATS.join(", ")})`,
        );
      const { plan } = loadPlanFile(file);
      process.stdout.write(renderGraph(plan, opts.format as GraphFormat));
    });
}
