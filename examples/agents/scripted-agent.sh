#!/usr/bin/env bash
# scripted-agent.sh: a fake coding agent that really edits files, for tests and demos (ONESHOT mode).
#
# The query comes as the first argument or, without arguments, on stdin. Each line of the query is one
# instruction; the agent works in its current directory (the Baton workspace):
#
#   write <relative-path> <text>   append <text> as a line to the file (parent folders are created;
#                                  symlinked repository folders such as app/README.md are followed)
#   echo <text>                    print <text> on stdout (part of the answer)
#   env <NAME>                     print NAME=<value> of an environment variable
#   sleep <seconds>                sleep (to test timeouts and stops)
#   fail <code> <message>          print <message> on stderr and exit with <code>
#   crash <code>                   exit with <code> at once, silently
#   anything else                  a free-text request: append the line to NOTES.md in every repository
#                                  folder of the workspace (each subfolder holding a .git file or
#                                  folder; the workspace itself when there is none)
#
# Progress goes to stderr, the answer to stdout. Paths must stay inside the workspace.
set -eu

if [ "$#" -gt 0 ]; then
    query=$1
else
    query=$(cat)
fi

log() { printf 'scripted-agent: %s\n' "$*" >&2; }

# Repository folders linked into the workspace (symlinks to folders count, each real folder once),
# or "." when there is none.
repositories() {
    seen=''
    for dir in */; do
        dir=${dir%/}
        [ -d "$dir" ] && [ -e "$dir/.git" ] || continue
        real=$(cd -- "$dir" && pwd -P)
        case "$seen" in *"|$real|"*) continue ;; esac
        seen="$seen|$real|"
        printf '%s\n' "$dir"
    done
    if [ -z "$seen" ]; then printf '.\n'; fi
}

inside_workspace() {
    case "$1" in
        '' | /* | .. | ../* | */.. | */../*) return 1 ;;
        *) return 0 ;;
    esac
}

count=0
while IFS= read -r line || [ -n "$line" ]; do
    line=${line#"${line%%[![:space:]]*}"}  # strip leading blanks
    [ -n "$line" ] || continue
    command=${line%% *}
    rest=${line#"$command"}
    rest=${rest# }
    case "$command" in
        write)
            path=${rest%% *}
            text=${rest#"$path"}
            text=${text# }
            if ! inside_workspace "$path"; then
                log "refusing to write outside the workspace: '$path'"
                exit 2
            fi
            mkdir -p "$(dirname -- "$path")"
            printf '%s\n' "$text" >> "$path"
            log "wrote $path"
            printf 'Wrote %s\n' "$path"
            ;;
        echo)
            printf '%s\n' "$rest"
            ;;
        env)
            case "$rest" in
                '' | [0-9]* | *[!A-Za-z0-9_]*) log "not a variable name: '$rest'"; exit 2 ;;
            esac
            if [ -n "${!rest+set}" ]; then
                printf '%s=%s\n' "$rest" "${!rest}"
            else
                printf '%s is not set\n' "$rest"
            fi
            ;;
        sleep)
            log "sleeping $rest s"
            sleep "$rest"
            ;;
        fail)
            code=${rest%% *}
            message=${rest#"$code"}
            message=${message# }
            printf '%s\n' "${message:-failed}" >&2
            exit "$code"
            ;;
        crash)
            exit "$rest"
            ;;
        *)
            while IFS= read -r repo; do
                printf '%s\n' "$line" >> "$repo/NOTES.md"
                log "noted in $repo/NOTES.md"
                printf 'Noted in %s/NOTES.md: %s\n' "$repo" "$line"
            done <<REPOS
$(repositories)
REPOS
            ;;
    esac
    count=$((count + 1))
done <<QUERY
$query
QUERY

log "done ($count instructions)"
