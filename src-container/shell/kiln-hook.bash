# Kiln command capture, sourced by every bash in the workspace container: through BASH_ENV by
# non-interactive shells (`bash -c`, scripts) and from /etc/bash.bashrc by interactive ones.
#
# It asks the recorder for a checkpoint before a command line runs (and waits for it), and
# records the line with its exit code afterwards. Once per command line or `bash -c`
# invocation, never once per simple command: a loop of 10,000 iterations is one receipt, and a
# shell started inside a recorded command is part of that command (KILN_HOOK_ACTIVE).
#
# Never in the way: when the recorder is unreachable the command runs anyway (the watcher
# still sees its file changes), and nothing here prints to the terminal.

[ -n "${KILN_RECORDER_URL:-}" ] && [ -n "${KILN_HOOK_TOKEN:-}" ] || return 0 2>/dev/null || exit 0
[ -z "${KILN_HOOK_ACTIVE:-}" ] || return 0 2>/dev/null || exit 0
command -v curl >/dev/null 2>&1 || return 0 2>/dev/null || exit 0

# __kiln_call PATH COMMAND [EXIT [MS]]: the command text travels as the body, the rest in the query.
__kiln_call() {
  local args=(-fsS -o /dev/null --max-time 30 -X POST
    -H "Authorization: Bearer ${KILN_HOOK_TOKEN}" -H 'Content-Type: text/plain; charset=utf-8'
    --url-query "cwd=${PWD}" --data-binary @-)
  [ -n "${3:-}" ] && args+=(--url-query "exit=$3")
  [ -n "${4:-}" ] && args+=(--url-query "ms=$4")
  printf '%s' "$2" | curl "${args[@]}" "${KILN_RECORDER_URL}$1" >/dev/null 2>&1 || true
}

__kiln_now_us() { local t=${EPOCHREALTIME/[.,]/}; printf '%s' "${t:-0}"; }

if [[ $- == *i* ]]; then
  # Interactive (the bash-preexec pattern): PROMPT_COMMAND arms the DEBUG trap as its last step;
  # the trap fires before every simple command but acts only when armed, i.e. once, before the
  # first command of a line. PROMPT_COMMAND's first step records the line that just finished.
  __kiln_line_text() { HISTTIMEFORMAT='' builtin history 1 | sed -E 's/^ *[0-9]+\*? *//'; }
  __kiln_preexec() {
    [ -n "${__kiln_armed:-}" ] && [ -z "${COMP_LINE:-}" ] || return 0
    __kiln_armed=
    [ "${BASH_COMMAND}" != __kiln_precmd ] || return 0   # an empty line: the prompt, not a command
    __kiln_ran=1
    __kiln_t0=$(__kiln_now_us)
    __kiln_call /hooks/command/start "$(__kiln_line_text)"
  }
  __kiln_precmd() {
    local rc=$?
    if [ "${__kiln_ran:-0}" = 1 ]; then
      __kiln_ran=0
      __kiln_call /hooks/command/end "$(__kiln_line_text)" "$rc" "$(( ($(__kiln_now_us) - __kiln_t0) / 1000 ))"
    fi
    return $rc
  }
  __kiln_arm() { __kiln_armed=1; }
  PROMPT_COMMAND="__kiln_precmd; ${PROMPT_COMMAND:+${PROMPT_COMMAND}; }__kiln_arm"
  trap '__kiln_preexec' DEBUG
  trap '__kiln_precmd' EXIT   # `exit` as the last line still gets its receipt
  export KILN_HOOK_ACTIVE=1   # shells started by a command line are part of it
else
  # Non-interactive: this file runs once before the `bash -c` string or the script.
  export KILN_HOOK_ACTIVE=1
  __kiln_line=${BASH_EXECUTION_STRING:-$0${*:+ $*}}
  __kiln_t0=$(__kiln_now_us)
  __kiln_call /hooks/command/start "$__kiln_line"
  __kiln_on_exit() {
    local rc=$?
    __kiln_call /hooks/command/end "$__kiln_line" "$rc" "$(( ($(__kiln_now_us) - __kiln_t0) / 1000 ))"
    return $rc
  }
  trap __kiln_on_exit EXIT
fi
