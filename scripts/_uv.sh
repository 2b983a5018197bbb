# Sourced by the other scripts: puts a `uv` on hand, even on a machine that has only Python.
# uv comes from PyPI into .tools/ (git-ignored) when it is not installed already.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if command -v uv >/dev/null 2>&1; then
  UV=uv
else
  if [ ! -x .tools/bin/uv ]; then
    echo "scripts: installing uv into .tools/ (once)" >&2
    "${PYTHON:-python3}" -m venv .tools
    .tools/bin/pip install --quiet --disable-pip-version-check uv
  fi
  UV=.tools/bin/uv
fi
"$UV" sync --locked --quiet
