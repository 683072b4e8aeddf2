#!/bin/sh
# This stack's own database on the shared server, named by STYXY_STACK_SLUG (a valid identifier,
# stable for the worktree): created once, kept across runs.
set -e
if psql -h 127.0.0.1 -p "$DB_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$STYXY_STACK_SLUG'" | grep -q 1; then
  echo "database $STYXY_STACK_SLUG exists"
else
  createdb -h 127.0.0.1 -p "$DB_PORT" -U postgres "$STYXY_STACK_SLUG"
  echo "created database $STYXY_STACK_SLUG"
fi
