#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them.
#   - R with metafor and survival (the oracles for pooling and survival tests)
#   - Chromium (renders the HTML report in a test)
#   - a virtual environment .venv with reviewflow and its test extra
# Then: ruff, snakefmt, snakemake --lint, and pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(r-cran-metafor r-cran-survival r-cran-jsonlite chromium)
missing=()
command -v Rscript >/dev/null && Rscript -e "library(metafor); library(survival); library(jsonlite)" >/dev/null 2>&1 \
  || missing+=(r-cran-metafor r-cran-survival r-cran-jsonlite)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
  if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null; then
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
      "${debian_packages[@]}" >/dev/null
  else
    echo "warning: cannot install ${missing[*]} (not root, no sudo): R and browser tests will skip" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
export PATH="$PWD/.venv/bin:$PATH"

ruff check .
ruff format --check .
snakefmt --check Snakefile workflow
snakemake --lint text >/dev/null
pytest "$@"
