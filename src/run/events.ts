/** What a run reports as it goes: rendered live on a TTY, as lines, as JSON, and kept in events.jsonl. */
export type RunEvent =
  | {
      type: "run-start";
      runId: string;
      plan: string;
      base: string;
      tasks: number;
      waves: number;
      resumed: boolean;
      /** what isolates the tasks: the sandbox's tool, or "off" (the plan says `sandbox: off`) */
      sandbox: string;
      /** why a run asked to resume started afresh instead */
      fresh?: string;
    }
  | { type: "wave-start"; wave: string; name: string; index: number; mode: string; tasks: string[] }
  | { type: "task-skip"; task: string; instance: string; wave: string; reason: string }
  | { type: "task-start"; task: string; instance: string; wave: string; title: string }
  | {
      type: "task-end";
      task: string;
      instance: string;
      wave: string;
      status: "success" | "failure";
      durationMs: number;
      logFile: string;
      error?: string;
      /** a failed task: the last lines of its output (checkpoint record `logTail`) */
      logTail?: string;
    }
  | { type: "wave-end"; wave: string; status: "success" | "failure"; durationMs: number }
  | { type: "land"; commit: string; branch: string }
  | {
      type: "run-end";
      runId: string;
      status: "succeeded" | "failed" | "partial" | "interrupted";
      wallMs: number;
      taskMs: number;
      error?: string;
      landed?: string;
    };

export type Timed<E> = E & { time: string };
export type EventSink = (e: RunEvent) => void;
