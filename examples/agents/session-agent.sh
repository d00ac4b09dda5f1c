#!/usr/bin/env bash
# session-agent.sh: a fake SESSION agent speaking Claude Code's stream-json protocol, for tests and demos.
#
# Reads one JSON object per line on stdin, e.g.
#   {"type":"user","message":{"role":"user","content":"write a.txt hello"},"task_id":"t1"}
# runs the message content with scripted-agent.sh (same instructions: write, echo, env, sleep, fail,
# crash, free text → NOTES.md) in the current directory, then answers with
#   {"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"…"}]},"task_id":"t1"}
#   {"type":"result","subtype":"success","is_error":false,"result":"…","task_id":"t1"}
# A failing instruction gives "is_error":true (subtype error_during_execution) and the session goes on.
# Session-only: a message whose first line is "crash <code>" ends the whole process with <code>, without
# answering. Exits 0 at end of input. JSON is handled by python3.
set -eu

here=$(cd -- "$(dirname -- "$0")" && pwd)

# task_id (first line) and content (the rest) of one request line
decode() {
    python3 -c '
import json, sys
try:
    m = json.loads(sys.argv[1])
    c = m.get("message", {}).get("content", "")
    if not isinstance(c, str):
        c = "\n".join(p.get("text", "") for p in c if isinstance(p, dict))
    sys.stdout.write(str(m.get("task_id", "")).replace("\n", " ") + "\n" + c)
except Exception as e:
    sys.stdout.write("\nfail 2 session-agent: cannot read request: %s" % e)
' "$1"
}

# assistant and result lines for: answer text, exit code, task id
encode() {
    python3 -c '
import json, sys
text, code, task = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if code != 0 and not text:
    text = "scripted-agent failed with exit code %d" % code
print(json.dumps({"type": "assistant", "message": {"role": "assistant", "content": [{"type": "text", "text": text}]}, "task_id": task}))
print(json.dumps({"type": "result", "subtype": "success" if code == 0 else "error_during_execution",
                  "is_error": code != 0, "result": text, "task_id": task}), flush=True)
' "$1" "$2" "$3"
}

printf '%s\n' '{"type":"system","subtype":"init","agent":"session-agent.sh"}'
while IFS= read -r request || [ -n "$request" ]; do
    [ -n "$request" ] || continue
    decoded=$(decode "$request")
    task=${decoded%%$'\n'*}
    content=${decoded#*$'\n'}
    first=${content%%$'\n'*}
    case "$first" in
        "crash "*) exit "${first#crash }" ;;
    esac
    code=0
    answer=$("$here/scripted-agent.sh" "$content" </dev/null) || code=$?
    encode "$answer" "$code" "$task"
done
