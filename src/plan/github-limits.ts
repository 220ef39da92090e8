/**
 * Limits of GitHub Actions that a plan runs into, in one place for the plan checks, `compile` and the
 * simulator.
 */

/**
 * "A matrix will generate a maximum of 256 jobs per workflow run. This limit applies to both
 * GitHub-hosted and self-hosted runners." — GitHub docs, Workflow syntax for GitHub Actions,
 * `jobs.<job_id>.strategy.matrix`.
 */
export const MATRIX_LIMIT = 256;
