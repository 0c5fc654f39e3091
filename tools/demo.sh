#!/usr/bin/env bash
# The main job, as a TA meets it: grade the shipped sample course and show the result.
# Works on a copy in build/demo so the repository stays clean; run it as often as you like.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
demo=build/demo

rm -rf "$demo"
mkdir -p "$demo"
cp -r nbgrader_config.py source release autograder "$demo"/
cp -r examples/sample-course/submitted "$demo"/
cd "$demo"

for assignment in lab6 quiz6; do
  echo
  echo "=== cnngrader grade $assignment ==="
  cnngrader grade "$assignment"
done

echo
echo "=== a rerun grades only what changed (nothing here) ==="
time cnngrader grade lab6

echo
echo "=== exports ==="
cnngrader export lab6 --to lab6-grades.csv
cnngrader export quiz6 --to quiz6-grades.csv
column -s, -t < lab6-grades.csv | head -25

echo
student=$(ls submitted | head -1)
echo "=== one notebook, as a student's check would show it: $student ==="
cnngrader check "submitted/$student/lab6/lab6.ipynb" --assignment lab6 || true

echo
echo "Everything is in $repo/$demo: gradebook.db (nbgrader), autograded/, feedback/<student>/<assignment>/*.html"
