#!/bin/bash
# Checks that every C file of the tree is formatted by the project's .clang-format, as TAP
# (a meson test in suite `style`; .ci/run runs it through tests/run-all). Fix with:
#   clang-format -i $(git ls-files '*.c' '*.h')
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "1..0 # SKIP clang-format is not installed"; exit 0; }
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.c' '*.h')
else
  mapfile -t files < <(find src tests bench -name '*.[ch]' | sort)
fi
n=0 bad=0
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 && continue
  echo "# $f is not formatted (clang-format -i $f):"
  clang-format "$f" | diff -u "$f" - | head -20 | sed 's/^/#   /'
  bad=$((bad + 1))
done
echo "1..1"
if [ "$bad" = 0 ]; then
  echo "ok 1 - the $n C files are formatted by .clang-format"
else
  echo "not ok 1 - $bad of the $n C files are not formatted by .clang-format"
fi
[ "$bad" = 0 ]
