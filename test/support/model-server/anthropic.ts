/**
 * A scripted model server on 127.0.0.1 that speaks the Anthropic Messages API (POST /v1/messages,
 * streamed as server-sent events or as one JSON body), so the real Claude Code CLI can run against it
 * (`ANTHROPIC_BASE_URL=http://127.0.0.1:<port>`). Tests script each reply — text and tool calls
 * (Write, Bash, …) — from the request, and read every request back afterwards (system prompt, messages,
 * tools), with the usage figures each reply reported.
 *
 * Wire format: https://docs.anthropic.com/en/api/messages-streaming (message_start, content_block_start,
 * content_block_delta with text_delta / input_json_delta, content_block_stop, message_delta with the
 * stop_reason and output usage, message_stop).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Block = { type: "text"; text: string } | { type: "tool_use"; name: string; input: Record<string, unknown> };

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}

export interface Reply {
  content: Block[];
  /** default: what the request's size suggests is plausible, fixed figures so tests can add them up */
  usage?: Partial<Usage>;
  /** answer with this HTTP status and an Anthropic error body instead (e.g. 529 overloaded, 400 invalid) */
  error?: { status: number; type: string; message: string };
}

/** One request as the server received it, with the reply it got. */
export interface ModelRequest {
  path: string;
  headers: IncomingMessage["headers"];
  body: {
    model?: string;
    system?: string | { type: string; text: string }[];
    messages?: { role: string; content: string | Record<string, unknown>[] }[];
    tools?: { name: string }[];
    stream?: boolean;
    max_tokens?: number;
  };
  reply?: Reply;
}

export const DEFAULT_USAGE: Usage = { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

/** The request's system prompt as one string. */
export function systemText(r: ModelRequest): string {
  const s = r.body.system;
  if (s === undefined) return "";
  return typeof s === "string" ? s : s.map((b) => b.text ?? "").join("\n");
}

/** Every text block the user side sent (prompt, tool results' text), in order. */
export function userTexts(r: ModelRequest): string[] {
  const out: string[] = [];
  for (const m of r.body.messages ?? []) {
    if (m.role !== "user") continue;
    if (typeof m.content === "string") out.push(m.content);
    else
      for (const b of m.content) {
        if (b.type === "text") out.push(String(b.text));
        if (b.type === "tool_result") out.push(toolResultText(b));
      }
  }
  return out;
}

/** The tool results of the request's last user message (what the previous tool calls returned). */
export function lastToolResults(r: ModelRequest): { text: string; isError: boolean }[] {
  const last = (r.body.messages ?? []).at(-1);
  if (!last || typeof last.content === "string") return [];
  return last.content.filter((b) => b.type === "tool_result").map((b) => ({ text: toolResultText(b), isError: b.is_error === true }));
}

/** How many assistant turns the conversation already had: 0 for its first request. */
export function turn(r: ModelRequest): number {
  return (r.body.messages ?? []).filter((m) => m.role === "assistant").length;
}

/** An agent's main conversation offers tools; side requests (titles, summaries, quota probes) do not. */
export function isAgentTurn(r: ModelRequest): boolean {
  return (r.body.tools?.length ?? 0) > 0;
}

/** The task a request belongs to, for tests whose prompts carry `TASK:<id>`. */
export function taskOf(r: ModelRequest): string | undefined {
  for (const t of userTexts(r)) {
    const m = /TASK:([\w-]+)/.exec(t);
    if (m) return m[1];
  }
  return undefined;
}

/** The agent turns the server answered since `from` (an index into its requests), counted per task. */
export function requestsByTask(server: ModelServer, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of server.requests.slice(from).filter(isAgentTurn)) {
    const t = taskOf(r) ?? "?";
    out[t] = (out[t] ?? 0) + 1;
  }
  return out;
}

function toolResultText(b: Record<string, unknown>): string {
  const c = b.content;
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((x) => (x as { text?: string }).text ?? "").join("");
  return "";
}

export interface ModelServer {
  url: string;
  requests: ModelRequest[];
  close(): Promise<void>;
}

/**
 * Starts the server. `script` answers each Messages request; anything it does not handle (returns
 * undefined) gets a short text reply, so the CLI's side requests never hang a test.
 */
export async function startAnthropicServer(script: (r: ModelRequest) => Reply | undefined): Promise<ModelServer> {
  const requests: ModelRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0];
      let body: ModelRequest["body"] = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
      } catch {}
      const record: ModelRequest = { path, headers: req.headers, body };
      requests.push(record);
      if (req.method === "POST" && path.endsWith("/v1/messages/count_tokens")) return json(res, 200, { input_tokens: 100 });
      if (req.method !== "POST" || !path.endsWith("/v1/messages"))
        return json(res, 404, { type: "error", error: { type: "not_found_error", message: `no ${req.method} ${path} here` } });
      let reply: Reply;
      try {
        reply = script(record) ?? { content: [{ type: "text", text: "ok" }] };
      } catch (e) {
        reply = { content: [], error: { status: 500, type: "api_error", message: `test script failed: ${(e as Error).message}` } };
      }
      record.reply = reply;
      if (reply.error)
        return json(res, reply.error.status, { type: "error", error: { type: reply.error.type, message: reply.error.message } });
      const usage = { ...DEFAULT_USAGE, ...reply.usage };
      const model = body.model ?? "scripted-model";
      const content = reply.content.map((b) => (b.type === "tool_use" ? { ...b, id: `toolu_${randomUUID().replace(/-/g, "")}` } : b));
      const stopReason = content.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
      if (body.stream) return stream(res, model, content, usage, stopReason);
      json(res, 200, {
        id: `msg_${randomUUID().replace(/-/g, "")}`,
        type: "message",
        role: "assistant",
        model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomUUID()}` });
  res.end(JSON.stringify(body));
}

function stream(res: ServerResponse, model: string, content: Record<string, unknown>[], usage: Usage, stopReason: string): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "request-id": `req_${randomUUID()}` });
  const send = (event: string, data: Record<string, unknown>) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  send("message_start", {
    message: {
      id: `msg_${randomUUID().replace(/-/g, "")}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  content.forEach((b, index) => {
    if (b.type === "text") {
      send("content_block_start", { index, content_block: { type: "text", text: "" } });
      send("content_block_delta", { index, delta: { type: "text_delta", text: b.text } });
    } else {
      send("content_block_start", { index, content_block: { type: "tool_use", id: b.id, name: b.name, input: {} } });
      send("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify(b.input) } });
    }
    send("content_block_stop", { index });
  });
  send("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  send("message_stop", {});
  res.end();
}
