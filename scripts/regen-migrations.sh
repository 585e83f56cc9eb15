#!/usr/bin/env bash
# PRE-RELEASE ONLY (nothing has landed yet): regenerate the migrations from the schema as one
# init migration plus the custom SQL files in server/src/db/custom-sql/. Serialised with flock
# so two developers regenerating at once do not collide. Once main has migrations in use,
# use `npm run db:generate -- --name <what>` instead and never rewrite landed migrations.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/latchkey-regen-migrations.lock
flock 9
rm -rf server/src/db/migrations
npx drizzle-kit generate --config server/drizzle.config.ts --name init >/dev/null
for f in server/src/db/custom-sql/*.sql; do
  name=$(basename "$f" .sql); name=${name#*_}
  npx drizzle-kit generate --config server/drizzle.config.ts --custom --name "$name" >/dev/null
  out=$(ls -t server/src/db/migrations/*_"$name".sql | head -1)
  cp "$f" "$out"
done
ls server/src/db/migrations
