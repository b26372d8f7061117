#!/bin/sh
# Start the daemon as the unprivileged `node` user.
# Docker creates a missing bind-mounted folder as root; the daemon (uid 1000) could then not
# write its database or logs. Started as root, this script gives data/ and logs/ to `node` and
# drops privileges. Started as another user, it checks and explains instead of crash-looping.
set -eu
cd /app
DIRS="data logs"

if [ "$(id -u)" = "0" ]; then
  for d in $DIRS; do
    mkdir -p "$d"
    if [ "$(stat -c %u "$d")" != "1000" ] || ! setpriv --reuid=1000 --regid=1000 --clear-groups test -w "$d"; then
      echo "entrypoint: /app/$d is not writable by node (uid 1000); changing its owner to node" >&2
      chown -R 1000:1000 "$d"
    fi
  done
  exec setpriv --reuid=1000 --regid=1000 --init-groups --inh-caps=-all --bounding-set=-all -- "$@"
fi

for d in $DIRS; do
  while ! { [ -d "$d" ] && [ -w "$d" ]; }; do
    echo "entrypoint: /app/$d is not writable by uid $(id -u); the daemon will not start until it is." >&2
    echo "entrypoint: on the host, run:  sudo chown -R $(id -u):$(id -g) ./$d   (checking again in 30 s)" >&2
    sleep 30
  done
done
exec "$@"
