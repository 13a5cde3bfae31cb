#!/usr/bin/env bash
# THE test command (`npm test`): lint, typecheck, then every vitest project (unit, integration,
# e2e; the integration/e2e global setup starts Docker and builds the images it needs).
# All three always run, so one report shows every problem; the exit code is non-zero if any
# failed. The last line printed is vitest's plain summary: "N passed, N failed, N skipped".
# Extra arguments go to vitest: `npm test -- tests/unit/shared`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

failed=()
echo "== lint (eslint)"
npx eslint . || failed+=(lint)
echo "== typecheck (tsc)"
npm run -s typecheck || failed+=(typecheck)
if [ ${#failed[@]} -gt 0 ]; then
  echo "== ${failed[*]} failed (see above); running the tests anyway"
fi
echo "== tests (vitest)"
npx vitest run "$@" || failed+=(tests)

[ ${#failed[@]} -eq 0 ]
