/**
 * The direct results-service reader (results-reader.ts) repeats the artifact service's internal
 * protocol for speed. That protocol is GitHub's to change, and the simulator emulates the same
 * protocol, so a change would pass every test and fail in production. So the direct reader is only a
 * fast path: on any failure or unexpected answer the job switches, for good, to the
 * `@actions/artifact` client — which GitHub keeps in step with the service — and says so in the log.
 */
import type { Artifact } from "@actions/artifact";

/** Where checkpoints are read from: a listing once, then each artifact's zip. */
export interface ArtifactReader {
  list(): Promise<Artifact[]>;
  /** the zip's bytes, or (without `bytes`) the zip written to `zip` */
  download(artifact: Artifact, zip: string): Promise<{ digestMismatch: boolean; bytes?: Buffer }>;
}

export function withFallback(
  primary: ArtifactReader,
  fallback: () => Promise<ArtifactReader>,
  warn: (message: string) => void,
): ArtifactReader {
  let switched: Promise<ArtifactReader> | undefined;
  const switchOver = (step: string, e: unknown): Promise<ArtifactReader> => {
    if (!switched) {
      warn(
        `reading this run's checkpoints from the results service directly failed at ${step} (${(e as Error).message}); ` +
          "reading them with the @actions/artifact client instead",
      );
      switched = fallback();
    }
    return switched;
  };
  return {
    async list() {
      if (switched) return (await switched).list();
      try {
        return await primary.list();
      } catch (e) {
        return (await switchOver("the listing", e)).list();
      }
    },
    async download(artifact, zip) {
      if (switched) return (await switched).download(artifact, zip);
      try {
        return await primary.download(artifact, zip);
      } catch (e) {
        return (await switchOver(`the download of ${artifact.name}`, e)).download(artifact, zip);
      }
    },
  };
}
