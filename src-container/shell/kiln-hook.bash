# Kiln command capture, sourced by every bash in the workspace container: through BASH_ENV by
# non-interactive shells (`bash -c`, scripts) and from /etc/bash.bashrc by interactive ones.
#
# It asks the recorder for a checkpoint before a command line runs (and waits for it), and
# records the line with its exit code afterwards. Once per command line or `bash -c`
# invocation, never once per simple command: a loop of 10,000 iterations is one receipt, and a
# shell started inside a recorded command is part of that command (KILN_HOOK_ACTIVE).
#
# Cheap: one HTTP request each way over bash's own /dev/tcp (no curl, no subshell on the
# common path). The recorder answers the end of a command at once and writes its receipt after.
#
# No command runs unprotected without a trace: while the recorder is alive, the command waits
# for its checkpoint however long that takes (saying so on stderr, once, after a second). Only
# an unreachable recorder (connection refused, or the connection lost mid-wait) lets a command
# through; the line then goes to a private list outside the workspace, and the next command
# that reaches the recorder hands the list over, which records it as an error receipt.

[ -n "${KILN_RECORDER_URL:-}" ] && [ -n "${KILN_HOOK_TOKEN:-}" ] || return 0 2>/dev/null || exit 0
[ -z "${KILN_HOOK_ACTIVE:-}" ] || return 0 2>/dev/null || exit 0
# The container's own start (user matching, before the recorder may answer) is Kiln's, not an
# agent's: recording it would only list it as "ran without a checkpoint".
[ "$0" != /usr/local/bin/kiln-entrypoint ] || return 0 2>/dev/null || exit 0

__kiln_hp=${KILN_RECORDER_URL#*://}
__kiln_hp=${__kiln_hp%%/*}
__kiln_host=${__kiln_hp%:*}
__kiln_port=${__kiln_hp##*:}
[ "$__kiln_port" != "$__kiln_hp" ] || __kiln_port=80
# Outside /workspace (the agent could delete it there) and private to this user.
__kiln_list=${KILN_UNPROTECTED_FILE:-${TMPDIR:-/tmp}/kiln-${UID}/unprotected}

# __kiln_post PATH BODY [HEADER-LINES]: one request; sets __kiln_status to the HTTP status.
# Returns 1 when the recorder could not be reached or went away before it answered.
__kiln_post() {
  local LC_ALL=C fd line acc='' said=''
  __kiln_status=
  { exec {fd}<>"/dev/tcp/${__kiln_host}/${__kiln_port}"; } 2>/dev/null || return 1
  # ${#2} counts bytes here (LC_ALL=C): Content-Length is in bytes.
  printf 'POST %s HTTP/1.1\r\nHost: kilnd\r\nAuthorization: Bearer %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: close\r\n%s\r\n%s' \
    "$1" "$KILN_HOOK_TOKEN" "${#2}" "${3:-}" "$2" >&"$fd" 2>/dev/null || { exec {fd}>&-; return 1; }
  while :; do
    if IFS= read -r -t 1 line <&"$fd"; then
      line=$acc$line
      break
    elif (( $? > 128 )); then   # a second passed: the recorder is alive and busy; keep waiting
      acc+=$line
      if [ -z "$said" ] && [ "$1" = /hooks/command/start ]; then
        printf 'kiln: waiting for the recorder'\''s checkpoint…\n' >&2
        said=1
      fi
    else
      exec {fd}>&-
      return 1   # closed without an answer: the recorder died while we waited
    fi
  done
  exec {fd}>&-
  line=${line#HTTP/1.? }
  __kiln_status=${line%% *}
  return 0
}

# __kiln_unprotected PHASE LINE: note a command the recorder could not be told about.
__kiln_unprotected() {
  local dir=${__kiln_list%/*}
  [ -d "$dir" ] || mkdir -p -m 700 "$dir" 2>/dev/null
  (umask 077; printf '%s %s %s\n' "${EPOCHSECONDS:-0}" "$1" "${2//$'\n'/\\n}" >>"$__kiln_list") 2>/dev/null
}

# __kiln_command PATH LINE [EXIT MS]: the hook call for a command line's start or end.
__kiln_command() {
  local LC_ALL=C headers="X-Kiln-Cwd-Bytes: ${#PWD}"$'\r\n'
  [ -z "${3:-}" ] || headers+="X-Kiln-Exit: $3"$'\r\n'"X-Kiln-Ms: $4"$'\r\n'
  if [ -s "$__kiln_list" ] && [ "$1" = /hooks/command/start ]; then
    # Back in reach: hand over the commands that ran while it was not, then forget them.
    local away
    away=$(<"$__kiln_list")
    if __kiln_post /hooks/unprotected "$away" && [ "$__kiln_status" = 200 ]; then : >"$__kiln_list"; fi
  fi
  if __kiln_post "$1" "$PWD$2" "$headers" && [ "$__kiln_status" = 200 ]; then return 0; fi
  __kiln_unprotected "${1##*/}" "$2"
}

if [[ $- == *i* ]]; then
  # Interactive (the bash-preexec pattern): PROMPT_COMMAND arms the DEBUG trap as its last step;
  # the trap fires before every simple command but acts only when armed, i.e. once, before the
  # first command of a line. PROMPT_COMMAND's first step records the line that just finished.
  # The line about to run, from history (the whole line, not just its first command). A line
  # history did not keep (HISTCONTROL=ignorespace, `set +o history`) leaves the previous entry
  # there: then the command bash is about to run is the best text we have; a repeated line
  # (ignoredups) is that previous entry again, and contains it.
  __kiln_line_text() {
    __kiln_history_last
    if [ -n "$__kiln_hn" ] && { [ "$__kiln_hn" != "${__kiln_hist:-}" ] || [[ $__kiln_ht == *"$BASH_COMMAND"* ]]; }; then
      __kiln_text=$__kiln_ht
    else
      __kiln_text=$BASH_COMMAND
    fi
    __kiln_hist=$__kiln_hn
  }
  # The newest history entry: its number (__kiln_hn, empty when there is none) and its text (__kiln_ht).
  __kiln_history_last() {
    local h
    h=$(HISTTIMEFORMAT='' builtin history 1)
    __kiln_hn= __kiln_ht=
    [[ $h =~ ^\ *([0-9]+)\*?\ +(.*)$ ]] && __kiln_hn=${BASH_REMATCH[1]} && __kiln_ht=${BASH_REMATCH[2]}
  }
  __kiln_number='\#'   # the prompt's command number: it moves only when a line is run
  __kiln_preexec() {
    [ -n "${__kiln_armed:-}" ] && [ -z "${COMP_LINE:-}" ] || return 0
    __kiln_armed=
    [ "${BASH_COMMAND}" != __kiln_precmd ] || return 0   # an empty line: the prompt, not a command
    # Bash leaving at the prompt (the tab closed, Ctrl-D) runs this trap once more with the last
    # command it ran (maybe one of /etc/profile's): the line counter has not moved since the
    # prompt, so no line was read and it is not a command.
    [ "${__kiln_number@P}" != "${__kiln_prompt_number:-}" ] || return 0
    __kiln_ran=1
    __kiln_t0=${EPOCHREALTIME/[.,]/}
    __kiln_line_text
    __kiln_command /hooks/command/start "$__kiln_text"
  }
  __kiln_precmd() {
    local rc=$?
    if [ "${__kiln_ran:-0}" = 1 ]; then
      __kiln_ran=0
      __kiln_command /hooks/command/end "$__kiln_text" "$rc" "$(( (${EPOCHREALTIME/[.,]/} - __kiln_t0) / 1000 ))"
    fi
    return $rc
  }
  __kiln_arm() {
    __kiln_armed=1
    __kiln_prompt_number=${__kiln_number@P}
    # Once, at the first prompt (history is read from HISTFILE after this file): where it stands.
    if [ -z "${__kiln_hist+set}" ]; then
      __kiln_history_last
      __kiln_hist=$__kiln_hn
    fi
  }
  PROMPT_COMMAND="__kiln_precmd; ${PROMPT_COMMAND:+${PROMPT_COMMAND}; }__kiln_arm"
  trap '__kiln_preexec' DEBUG
  trap '__kiln_precmd' EXIT   # `exit` as the last line still gets its receipt
  # The terminal closed (its tab, the window): the command it killed is recorded with its own
  # status (129: killed by SIGHUP), not the status of the line before it.
  trap '__kiln_precmd; trap - EXIT; exit 129' HUP
  export KILN_HOOK_ACTIVE=1   # shells started by a command line are part of it
else
  # Non-interactive: this file runs once before the `bash -c` string or the script.
  export KILN_HOOK_ACTIVE=1
  __kiln_line=${BASH_EXECUTION_STRING:-$0${*:+ $*}}
  __kiln_t0=${EPOCHREALTIME/[.,]/}
  __kiln_command /hooks/command/start "$__kiln_line"
  __kiln_on_exit() {
    local rc=$?
    __kiln_command /hooks/command/end "$__kiln_line" "$rc" "$(( (${EPOCHREALTIME/[.,]/} - __kiln_t0) / 1000 ))"
    return $rc
  }
  trap __kiln_on_exit EXIT
fi
