#!/bin/sh
# The README's first command: load the bundled samples into a fresh ./demo.db
# (or $DEMO_DB), offline, and show what monitor sees. Each run starts over.
set -e
DB="${DEMO_DB:-demo.db}"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.lock"
m() { monitor --db "$DB" "$@"; }
cd "$(dirname "$0")/.."

m init
m stories add samples/stories/pakistan-taliban.toml
echo "== adding the sample articles, then a later revision of the seed article"
m add samples/articles/*.txt
m add samples/articles/revised/00-seed-article-v2.txt
echo
echo "== monitor list"
m list
echo
echo "== monitor diff 1 --context 1   (what changed in the seed article after publication)"
m diff 1 --context 1
echo
echo "== following two sample feeds (local files stand in for URLs), then the cron job"
m feeds add samples/feeds/frontier-wire.xml --story pakistan-taliban --name "Frontier Wire"
m feeds add samples/feeds/kabul-sample-times.atom --story pakistan-taliban
m fetch
m feeds list
echo
echo "== monitor themes --by week   (recurring themes of the story, week by week)"
m themes --by week
