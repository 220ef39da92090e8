/**
 * One job's log file, written the way the Actions log shows it: secrets and `::add-mask::` values
 * replaced by `***`, groups as `▸ title`, annotations as `Error: …` lines; annotations and
 * `::set-output` values are collected for the job runner.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { type Annotation, parseCommand } from "./commands.js";

export class JobLog {
  readonly annotations: Annotation[] = [];
  /** `::set-output` values of the current step (deprecated, but a runner still honours them) */
  stepOutputs: Record<string, string> = {};
  private readonly masks: string[] = [];
  private readonly stream: WriteStream;
  private readonly started = Date.now();

  constructor(
    readonly file: string,
    readonly job: string,
    secrets: string[],
    /** `::debug::` lines are shown only with the ACTIONS_STEP_DEBUG secret, as on GitHub */
    private readonly debug = false,
  ) {
    this.stream = createWriteStream(file);
    for (const s of secrets) this.mask(s);
  }

  mask(value: string): void {
    // short values would mask ordinary words; GitHub masks them too, but they make logs unreadable
    if (value.length >= 3 && !this.masks.includes(value)) this.masks.push(value);
  }

  redact(text: string): string {
    let out = text;
    for (const m of this.masks) out = out.split(m).join("***");
    return out;
  }

  /** A line the runner itself writes. */
  info(text: string): void {
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1).padStart(6);
    for (const line of text.split("\n")) this.stream.write(`${elapsed}s ${this.redact(line)}\n`);
  }

  /** A line a step printed: workflow commands are interpreted, everything else is logged. */
  stepLine(line: string): void {
    const command = parseCommand(line);
    if (!command) {
      this.info(line);
      return;
    }
    switch (command.kind) {
      case "mask":
        this.mask(command.value);
        break;
      case "group":
        this.info(`▸ ${command.title}`);
        break;
      case "endgroup":
        break;
      case "debug":
        if (this.debug) this.info(`##[debug] ${command.message}`);
        break;
      case "output":
        this.stepOutputs[command.name] = command.value;
        break;
      case "annotation": {
        const a = { ...command.annotation, message: this.redact(command.annotation.message), job: this.job };
        this.annotations.push(a);
        const at = a.file ? ` (${a.file}${a.line ? `:${a.line}${a.col ? `:${a.col}` : ""}` : ""})` : "";
        this.info(`${a.level[0].toUpperCase()}${a.level.slice(1)}: ${a.title ? `${a.title}: ` : ""}${a.message}${at}`);
        break;
      }
    }
  }

  /** A function that splits a stream's chunks into lines for `stepLine`; call it with no chunk to flush. */
  lineSplitter(): (chunk?: Buffer) => void {
    let pending = "";
    return (chunk) => {
      if (chunk === undefined) {
        if (pending) this.stepLine(pending);
        pending = "";
        return;
      }
      const lines = (pending + chunk.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) this.stepLine(line.replace(/\r$/, ""));
    };
  }

  close(): Promise<void> {
    return new Promise((done) => this.stream.end(done));
  }
}
