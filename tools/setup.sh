#!/usr/bin/env bash
# Everything a fresh machine needs, idempotent: system packages, torch's CPU build first, the package.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if ! command -v bwrap >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing bubblewrap (the sandbox) from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap libseccomp2 >/dev/null
  else
    echo "setup: bubblewrap is not installed and cannot be installed here; grading will degrade to seccomp isolation" >&2
  fi
fi

# torch first, pinned to the local CPU build: a looser requirement would pull CUDA wheels.
if ! "$PYTHON" -c 'import torch, sys; sys.exit(torch.__version__.split("+")[0] != "2.13.0")' 2>/dev/null; then
  echo "setup: installing torch 2.13.0 (CPU)"
  "$PYTHON" -m pip install -q torch==2.13.0
fi

if ! "$PYTHON" -c 'import cnngrader, nbgrader, torchsummary, safetensors, pyseccomp, ruff, otter' 2>/dev/null \
   || [ pyproject.toml -nt .setup-done ]; then
  echo "setup: installing cnngrader and its dependencies"
  "$PYTHON" -m pip install -q -e '.[dev,otter]'
fi
"$PYTHON" -m ipykernel install --user --name python3 >/dev/null 2>&1 || true
touch .setup-done
