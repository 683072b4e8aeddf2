#!/bin/sh
# The shared Postgres: its data folder is created on the first start, outside the worktrees
# ($SHARED_PGDATA, default ~/.local/share/styxy-shared-postgres), since the server runs in the
# folder of whichever worktree started it. Run as root (a container), it runs as `postgres`.
set -e
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$PGBIN" ] && PATH="$PGBIN:$PATH"
DATA="${SHARED_PGDATA:-$HOME/.local/share/styxy-shared-postgres}"
AS=""
if [ "$(id -u)" = 0 ]; then AS="runuser -u postgres --"; fi
if [ ! -s "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ -n "$AS" ] && chown postgres "$DATA"
  $AS initdb -D "$DATA" -U postgres --auth=trust >/dev/null
fi
exec $AS postgres -D "$DATA" -p "$PORT" -k "$DATA" -c listen_addresses=127.0.0.1
