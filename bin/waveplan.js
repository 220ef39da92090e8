#!/usr/bin/env node
// The CLI is bundled to dist/cli so `npx waveplan` works from a clone without a build step.
import "../dist/cli/index.js";
