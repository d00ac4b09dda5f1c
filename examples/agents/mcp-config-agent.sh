#!/usr/bin/env bash
# mcp-config-agent.sh <mcp-config-file> [<query>]: a fake agent that shows the MCP config Baton wrote for its
# work, for tests and as an example of {mcpConfig}. It prints the file's permissions, the BATON_MCP_CONFIG
# variable and the file's content (one line of JSON in Claude Code's --mcp-config format), then carries out
# the query like scripted-agent.sh.
set -eu
file=$1
shift
printf 'mcp-config-mode %s\n' "$(stat -c %a -- "$file")"
printf 'mcp-config-env %s\n' "${BATON_MCP_CONFIG:-unset}"
printf 'mcp-config %s\n' "$(cat -- "$file")"
exec "$(dirname -- "$0")/scripted-agent.sh" "$@"
