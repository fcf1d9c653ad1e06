#!/usr/bin/env bash
# Installs what the portal needs on Debian 12 (idempotent): system packages, the virtualenv
# with pinned Python packages, and the Solr 9 launcher built from Maven Central.
. "$(dirname "$0")/lib.sh"

APT_PACKAGES=(
  postgresql postgresql-contrib redis-server openjdk-17-jdk-headless maven
  libmagic1 libpq-dev build-essential python3-dev python3-venv openssl curl git
  chromium fonts-dejavu-core
)

install_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing system packages: ${missing[*]}"
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}" > "$LOGS/apt.log" 2>&1 \
      || { tail -n 30 "$LOGS/apt.log" >&2; fail "apt-get install failed; see $LOGS/apt.log"; }
  fi
}

# Reinstall only when a pin file or the packaging changed (a stamp holds their checksum).
install_python() {
  local stamp="$VENV/.westsuffolk-stamp" sum
  sum=$(cat "$ROOT/requirements.txt" "$ROOT/requirements-test.txt" "$ROOT/setup.py" "$ROOT/pyproject.toml" \
    | sha256sum | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && return 0
  say "Installing Python packages into $VENV (log: $LOGS/pip.log)"
  [ -x "$PY" ] || python3 -m venv "$VENV"
  {
    "$VENV/bin/pip" install -q --upgrade "pip==25.3" "setuptools==80.9.0" "wheel==0.45.1"
    "$VENV/bin/pip" install -r "$ROOT/requirements.txt" -r "$ROOT/requirements-test.txt"
    "$VENV/bin/pip" install --no-deps -e "$ROOT"
  } > "$LOGS/pip.log" 2>&1 || { tail -n 30 "$LOGS/pip.log" >&2; fail "pip install failed; see $LOGS/pip.log"; }
  echo "$sum" > "$stamp"
}

build_solr() {
  local stamp="$SOLR_DIR/target/.westsuffolk-stamp" sum
  sum=$(cat "$SOLR_DIR/pom.xml" "$SOLR_DIR"/src/main/java/uk/gov/westsuffolk/solr/*.java | sha256sum | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && return 0
  say "Building the Solr 9 launcher from Maven Central (log: $LOGS/maven.log)"
  (cd "$SOLR_DIR" && mvn -B -q -DskipTests package) > "$LOGS/maven.log" 2>&1 \
    || { tail -n 30 "$LOGS/maven.log" >&2; fail "Maven build of the Solr launcher failed; see $LOGS/maven.log"; }
  echo "$sum" > "$stamp"
}

install_system_packages
install_python
build_solr
