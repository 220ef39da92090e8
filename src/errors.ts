/**
 * The one base of every error waveplan raises on purpose. Its message is written for the user and is
 * shown as it is, without a stack trace; any other error is a bug. The CLI and the action tell the two
 * apart with one `instanceof WaveplanError`, instead of lists of "expected" classes.
 */
export class WaveplanError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // set from the subclass's `name` field where it has one (bundling renames classes, so
    // `new.target.name` would read "e")
    this.name = "WaveplanError";
  }
}
