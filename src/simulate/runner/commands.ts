/**
 * What a runner reads from a step: workflow commands on stdout (`::error file=…::msg`,
 * `::add-mask::`, `::group::` …) and the files behind GITHUB_OUTPUT / GITHUB_ENV
 * (`name=value` lines or `name<<DELIMITER` blocks).
 */

export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  title?: string;
  file?: string;
  line?: number;
  col?: number;
  /** the job that reported it, filled in by the job runner */
  job?: string;
}

export type Command =
  | { kind: "annotation"; annotation: Annotation }
  | { kind: "mask"; value: string }
  | { kind: "group"; title: string }
  | { kind: "endgroup" }
  | { kind: "debug"; message: string }
  | { kind: "output"; name: string; value: string };

const unescapeData = (s: string) => s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ":").replace(/%2C/g, ",");

/** The command on one stdout line, if it is one. */
export function parseCommand(line: string): Command | undefined {
  const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line.replace(/\r$/, ""));
  if (!m) return undefined;
  const [, name, rawProps = "", rawData] = m;
  const props: Record<string, string> = {};
  for (const part of rawProps.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) props[part.slice(0, eq).trim()] = unescapeProperty(part.slice(eq + 1));
  }
  const message = unescapeData(rawData);
  switch (name) {
    case "error":
    case "warning":
    case "notice": {
      const line = props.line ?? props.startLine;
      const col = props.col ?? props.startColumn;
      return {
        kind: "annotation",
        annotation: {
          level: name,
          message,
          ...(props.title ? { title: props.title } : {}),
          ...(props.file ? { file: props.file } : {}),
          ...(line ? { line: Number(line) } : {}),
          ...(col ? { col: Number(col) } : {}),
        },
      };
    }
    case "add-mask":
      return message ? { kind: "mask", value: message } : undefined;
    case "group":
      return { kind: "group", title: message };
    case "endgroup":
      return { kind: "endgroup" };
    case "debug":
      return { kind: "debug", message };
    case "set-output":
      return props.name ? { kind: "output", name: props.name, value: message } : undefined;
    default:
      return undefined;
  }
}

/** `name=value` and `name<<DELIM … DELIM` entries of a GITHUB_OUTPUT / GITHUB_ENV file. */
export function parseKeyValueFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line === "") continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    const eq = line.indexOf("=");
    if (heredoc && (eq < 0 || eq > line.indexOf("<<"))) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i].replace(/\r$/, "") !== delimiter; i++) value.push(lines[i].replace(/\r$/, ""));
      if (i >= lines.length) throw new Error(`${file}: no closing delimiter "${delimiter}" for ${name}`);
      out[name] = value.join("\n");
    } else if (eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new Error(`${file}: line ${i + 1} is neither name=value nor name<<DELIMITER: ${line.slice(0, 80)}`);
    }
  }
  return out;
}
