#!/bin/sh
# Checks that the C++ in src/ and tests/ is formatted as .clang-format says (exit 1 and the
# places if not); with --fix, formats those files in place. For CI and before a commit:
#   src/tools/check-format.sh          # check
#   src/tools/check-format.sh --fix    # rewrite
# Needs clang-format 14 (Debian: apt-get install clang-format-14); other versions format a few
# constructs differently.
set -eu
cd "$(dirname "$0")/../.."
FORMAT=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$FORMAT" ]; then
  echo "check-format: clang-format not found (apt-get install clang-format-14)" >&2
  exit 2
fi
FILES=$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp')
if [ "${1:-}" = "--fix" ]; then
  echo "$FILES" | xargs "$FORMAT" -i
  exit 0
fi
OUT=$(echo "$FILES" | xargs "$FORMAT" --dry-run 2>&1 || true)
COUNT=$(printf '%s\n' "$OUT" | grep -c 'warning:' || true)
if [ "$COUNT" -gt 0 ]; then
  printf '%s\n' "$OUT" | grep 'warning:' | cut -d: -f1 | sort | uniq -c | sort -rn >&2
  echo "check-format: $COUNT places differ from .clang-format ($FORMAT); run src/tools/check-format.sh --fix" >&2
  exit 1
fi
echo "check-format: $(echo "$FILES" | wc -l) files formatted"
