#!/usr/bin/env bash
# Every shell script in the repository passes shellcheck: files ending in .sh or .sbatch and
# any other file whose first line names bash or sh. Exit 77 (skipped) without shellcheck.
# Left out: build trees and the device kit's downloads (.devdeps, .whl, .gl), which are not ours.
# Usage: shellcheck.sh SOURCE_DIR
set -euo pipefail
root="$1"
if ! command -v shellcheck > /dev/null; then
  echo "shellcheck not installed: lint skipped"
  exit 77
fi
scripts=()
while IFS= read -r -d '' file; do
  case "$file" in
    *.sh | *.sbatch) scripts+=("$file") ;;
    *) if head -n 1 "$file" 2> /dev/null | grep -qE '^#!.*(/|env )(ba)?sh\b'; then scripts+=("$file"); fi ;;
  esac
done < <(find "$root" \( -name .git -o -name 'build*' -o -name node_modules -o -name '.devdeps' \
           -o -name '.whl' -o -name '.gl' \) -prune -o -type f \( -name '*.sh' -o -name '*.sbatch' -o -perm -u+x \) -print0)
[[ ${#scripts[@]} -gt 0 ]] || { echo "no shell scripts found under $root" >&2; exit 1; }
echo "shellcheck: ${#scripts[@]} scripts"
shellcheck --external-sources "${scripts[@]}"
