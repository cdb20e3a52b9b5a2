#!/usr/bin/env bash
# Records what a stack runs after a successful `pulumi up` (an `applied` entry of the operations log,
# from the stack's outputs) on the tip of the branch, and pushes it, so the next runbook step
# (`verify`) sees it. The deploy workflows run it in a job of its own that holds the write token and
# no cloud credentials. The log is append-only: when the branch moved meanwhile, the entry is
# recorded again on its new tip, at most three times.
#
# Usage: record-applied.sh <stack> <outputs.json>
# Environment: GITHUB_TOKEN (to fetch and push; never written to .git/config), RECORD_BRANCH
# (default main), PEGASUS_CLI (default "npx pegasus-secrets"), GITHUB_RUN_ID (named in the commit).
set -euo pipefail

usage="usage: record-applied.sh <stack> <outputs.json>"
stack="${1:?$usage}"
outputs="${2:?$usage}"
if [ ! -f "$outputs" ]; then
  echo "record-applied: $outputs does not exist: save pulumi stack output --json --stack $stack to it first." >&2
  exit 2
fi
outputs="$(cd "$(dirname "$outputs")" && pwd)/$(basename "$outputs")"
branch="${RECORD_BRANCH:-main}"
read -r -a cli <<<"${PEGASUS_CLI:-npx pegasus-secrets}"

# The token goes in a header for these git calls only.
auth=()
if [ -n "${GITHUB_TOKEN:-}" ]; then
  basic="$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\n')"
  auth=(-c "http.extraheader=AUTHORIZATION: basic $basic")
fi

git config user.name "pegasus-secrets deploy"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"

for attempt in 1 2 3; do
  git "${auth[@]}" fetch --quiet origin "$branch"
  git checkout --quiet --detach "origin/$branch"
  "${cli[@]}" applied --stack "$stack" --operator github-actions --outputs "$outputs"
  git add operations/log.jsonl
  git commit --quiet -m "Record: $stack applied${GITHUB_RUN_ID:+ by run $GITHUB_RUN_ID} [skip ci]"
  if git "${auth[@]}" push --quiet origin "HEAD:refs/heads/$branch"; then
    echo "Recorded the applied entry of $stack on $branch ($(git rev-parse --short HEAD))."
    exit 0
  fi
  echo "record-applied: $branch moved on while recording; recording again on its new tip (attempt $attempt of 3)." >&2
done
echo "record-applied: could not push the applied entry of $stack to $branch after 3 attempts. Record it by hand from this run's outputs artifact: npx pegasus-secrets applied --stack $stack --operator <you> --outputs <file>, then commit operations/log.jsonl." >&2
exit 1
