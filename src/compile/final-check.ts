/**
 * The one name a repository requires: `final-commit`. It is the final job's id and display name (so
 * its check run is named `final-commit`) and the context of the commit status that job posts on the
 * landing commit — the same by construction, because both come from this constant.
 *
 * Why the same and not two names: GitHub matches a required check by name against check runs and
 * commit statuses alike, and "if you have a check and a status with the same name, and you select
 * that name as a required status check, both the check and the status are required" (docs
 * "Troubleshooting required status checks"). Every commit that carries both (a landing commit
 * whose pull request then runs the workflow's `pull_request` re-attestation) carries both as
 * success when the landing verified, so requiring `final-commit` is satisfied by whichever of the
 * two a commit has: the status on a fresh landing commit, the re-attestation's check run on a
 * reviewer's fix-up or a merge group.
 */
export const FINAL_JOB = "final-commit";
