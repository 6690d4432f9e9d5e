# shellcheck shell=bash
# Sourced by the simulated tools in bin/: sends the call to the simulator server
# when SIM_PORT names one (server.js), else runs the simulator in a new process.
sim_call() {
  local tool=$1 reply
  shift
  if [[ -n "${SIM_PORT:-}" ]] && exec 3<>"/dev/tcp/127.0.0.1/${SIM_PORT}"; then
    # The tool's whole environment, as a process would inherit it (a `kubectl exec` runs its
    # command with it); compgen and printf are builtins, so this starts no process.
    local names
    mapfile -t names < <(compgen -e)
    {
      printf '%s\0' "$((${#names[@]} + $# + 2))" "${#names[@]}"
      for name in "${names[@]}"; do printf '%s=%s\0' "$name" "${!name}"; done
      printf '%s\0' "$tool" "$@"
    } >&3
    IFS= read -r -d '' reply <&3
    exec 3<&-
    eval "$reply"
  fi
  exec node "${BASH_SOURCE[0]%/*}/tool.js" "$tool" "$@"
}
