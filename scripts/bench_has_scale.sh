#!/usr/bin/env bash
# Exit 0 if database $1 already holds a generated world of size $2 (tiny, county or
# national): logins @scale.example, and within 10% of that many staff. make bench then
# skips the (minutes-long) generation.
set -eu
db="$1"
scale="$2"
case "$scale" in
  tiny) expected=200 ;;
  county) expected=5000 ;;
  national) expected=100000 ;;
  *) echo "Unknown SCALE '$scale' (tiny, county or national)." >&2; exit 2 ;;
esac
query() { psql -h 127.0.0.1 -U postgres -d "$db" -tAc "$1" 2>/dev/null || echo 0; }
generated=$(query "SELECT count(*) FROM auth_user WHERE username LIKE '%@scale.example'")
staff=$(query "SELECT count(*) FROM cohorts_staffmember")
if [ "${generated:-0}" -gt 0 ] && [ "${staff:-0}" -ge $((expected * 9 / 10)) ] \
    && [ "${staff:-0}" -le $((expected * 11 / 10)) ]; then
  echo "$db already holds a $scale world ($staff staff): not generating it again."
  exit 0
fi
echo "$db holds ${staff:-0} staff, not a generated $scale world: generating one."
exit 1
