#!/bin/sh
# The rate-limit probe, run in one exec in the curl client's container (curlimages/curl: busybox
# sh; curl 8.16, whose -w knows %header{} since 7.84). One line per request: <phase> <status>
# <value of the limit header>. The bucket is made full before the task's sequence, so the result
# never depends on what the bucket held when verify started:
#   drain   back to back until the first 429: the bucket is empty (a bucket and one refill at most)
#   (wait)  one fill interval and a second: full again, whether Envoy refills the whole bucket at
#           each interval or, as its timer-less token bucket does, a token at a time over it
#   task    the task's requests, a second apart (snip_verify_local_rate_limit_1)
# Bounded: every request by --max-time, every loop by a count; the exec around it by verify.
# Usage: sh -c "$(cat rate-limit-sequence.sh)" rate-limit <url> <max-tokens> <fill-seconds> <header> <task-requests> <seconds-per-request>
set -u
url=$1 max=$2 fill=$3 header=$4 task=$5 timeout=$6

ask() {
  curl -s -o /dev/null --max-time "$timeout" -w "%{http_code} %header{$header}" "$url"
}

n=0
out=
while [ "$n" -le $((2 * max)) ]; do
  out=$(ask)
  echo "drain $out"
  n=$((n + 1))
  case $out in 429*) break ;; esac
done
case $out in 429*) ;; *) exit 0 ;; esac

sleep $((fill + 1))

i=0
while [ "$i" -lt "$task" ]; do
  if [ "$i" -gt 0 ]; then sleep 1; fi
  i=$((i + 1))
  echo "task $(ask)"
done
