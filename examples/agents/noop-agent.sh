#!/bin/sh
# noop-agent.sh: does nothing, answers "ok" and exits 0. For smoke tests of the agent plumbing.
set -eu
echo ok
