# `supervise NAME COMMAND...` (sourced by scripts/run.sh): runs COMMAND in the background and starts it again
# whenever it exits, logging "NAME exited with N, restarting in D s". The pause doubles up to 30 s while the
# command keeps dying at start (a broken setup does not spin) and is back to 1 s after a run of a minute or
# more. TERM to the supervisor (its pid is appended to the array `pids`) stops the command and then itself.
#
# Why a bash loop: honcho, like the `wait -n` it replaced, stops every process when one exits, which is what
# turned one "database is locked" into a dead quick start; supervisord would restart, but it is a daemon with
# its own configuration file and one more dependency for a demo stack that bash already covers.
supervise() {
  local name=$1
  shift
  (
    child=""
    trap 'if [[ -n $child ]]; then kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; fi; exit 0' TERM
    delay=1
    while true; do
      started=$SECONDS
      "$@" &
      child=$!
      status=0
      wait "$child" || status=$?
      if (( SECONDS - started >= 60 )); then delay=1; fi
      echo "run.sh: ${name} exited with ${status}, restarting in ${delay} s" >&2
      sleep "$delay" &
      child=$!
      wait "$child" || true
      delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
    done
  ) &
  pids+=($!)
}
