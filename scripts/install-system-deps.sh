#!/usr/bin/env bash
# Debian packages the test suites need: rabbitmq-server (a real broker for the RabbitMQ sink
# tests, started by the tests themselves), liblucene8-java with a JDK (the query oracle is a
# small Java program compiled by its test), and chromium (the web view's end-to-end test).
# Installs only what is missing; needs root (as on CI).
set -euo pipefail
need=()
command -v /usr/lib/rabbitmq/bin/rabbitmq-server >/dev/null 2>&1 || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
ls /usr/share/java/lucene-core*.jar >/dev/null 2>&1 || need+=(liblucene8-java)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
# Debian's Chromium for the web view's browser test (driven by playwright-core; never a download).
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${need[*]} (run as root: apt-get install -y ${need[*]})" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
