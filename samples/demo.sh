#!/bin/sh
# The README's first command: load the bundled samples into ./demo.db, offline,
# and show what monitor sees. Safe to run again (nothing is stored twice).
set -e
DB="${MONITOR_DB:-demo.db}"
m() { monitor --db "$DB" "$@"; }
cd "$(dirname "$0")/.."

m init
m stories add samples/stories/pakistan-taliban.toml
echo "== adding the sample articles, then a later revision of the seed article"
m add samples/articles/*.txt
m add samples/articles/revised/01-asif-obliterate-v2.txt
echo
echo "== monitor list"
m list
