#!/usr/bin/env bash
# A tiny MCP server on stdio for the tests: answers `initialize` (echoing its id) like a real server, after a
# notification and a line of noise a sloppy server might print first. With MCP_TINY_REQUIRE=NAME it answers
# only when the variable NAME is set (to check that env values reach the process).
if [[ -n "${MCP_TINY_REQUIRE:-}" && -z "${!MCP_TINY_REQUIRE:-}" ]]; then
  echo "missing ${MCP_TINY_REQUIRE}" >&2
  exit 3
fi
while IFS= read -r line; do
  id=$(printf '%s' "$line" | sed -n 's/.*"id":\([0-9][0-9]*\).*/\1/p')
  case "$line" in
    *'"method":"initialize"'*)
      echo 'tiny-mcp-server starting'
      printf '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"hello"}}\n'
      printf '{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"tiny","version":"1.0"}}}\n' "$id"
      ;;
  esac
done
