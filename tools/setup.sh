#!/usr/bin/env bash
# Everything a fresh machine needs, idempotent: system packages, then a project virtualenv (.venv)
# with torch's CPU build first and this package after it. Nothing is installed into the system
# interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv

need_apt=()
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap libseccomp2)
# chromium renders `cnngrader report`'s page in the browser test (headless, offline).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${need_apt[*]} from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: cannot install ${need_apt[*]} here (not root, or no apt-get); grading degrades to seccomp isolation and the report's browser test skips" >&2
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating the project virtualenv in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

# torch first, pinned to the local CPU build: a looser requirement would pull CUDA wheels.
if ! "$PY" -c 'import torch, sys; sys.exit(torch.__version__.split("+")[0] != "2.13.0")' 2>/dev/null; then
  echo "setup: installing torch 2.13.0 (CPU)"
  "$PY" -m pip install -q torch==2.13.0
fi

if ! "$PY" -c 'import cnngrader, nbgrader, torchsummary, safetensors, pyseccomp, ruff, mypy, otter' 2>/dev/null \
   || [ pyproject.toml -nt "$VENV/.setup-done" ]; then
  echo "setup: installing cnngrader and its dependencies into $VENV"
  "$PY" -m pip install -q -e '.[dev,otter]'
fi
touch "$VENV/.setup-done"
