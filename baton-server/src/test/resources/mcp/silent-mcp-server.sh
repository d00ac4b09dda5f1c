#!/usr/bin/env bash
# An MCP server that starts and never answers (the timeout path). Each start appends a line to the file $1.
[[ -n "${1:-}" ]] && echo start >> "$1"
exec cat > /dev/null
