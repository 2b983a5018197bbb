# Sourced by the editors' scripts (push-post, import-relay, export-relay, graphql): sets up
# the project environment like the other scripts, then returns to the caller's directory so
# that relative file arguments mean what the caller meant.
CALLER_DIR=$PWD
source "$(dirname "${BASH_SOURCE[0]}")/_uv.sh"
ROOT=$PWD
# _uv.sh may have set UV to a path relative to the repository root (.tools/bin/uv).
case "$UV" in */*) [[ "$UV" = /* ]] || UV="$ROOT/$UV" ;; esac
cd "$CALLER_DIR"

# Run `python -m graph.client.<module>` with the remaining arguments.
run_client() {
  local module=$1
  shift
  exec "$UV" run --project "$ROOT" --no-sync --quiet python -m "graph.client.$module" "$@"
}
