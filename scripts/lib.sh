# shellcheck shell=bash
#
# Shared steps of scripts/run and scripts/test. Every ensure_* function is idempotent:
# it checks first, installs only what is missing, and says which of the two it did.
# Tools come only from package registries (crates.io, npm, Debian apt): nothing here
# downloads a prebuilt binary from anywhere else, so Trunk always runs with --offline.

TRUNK_VERSION="0.21.14"
WASM_TARGET="wasm32-unknown-unknown"
CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
DEFAULT_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/postgres"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# cargo-installed tools land here; a fresh shell on a new machine may not have it on PATH.
CARGO_BIN_DIR="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
    *":$CARGO_BIN_DIR:"*) ;;
    *) export PATH="$CARGO_BIN_DIR:$PATH" ;;
esac

# Build tools we install need to run, not to be small or maximally fast: skip LTO and
# use many codegen units, which roughly halves their compile time on two cores.
quick_install_profile() {
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 "$@"
}

say() { printf '==> %s\n' "$*"; }
ok() { printf '    ok: %s\n' "$*"; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Runs a command as root: directly when we are root (as in CI), through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "'$*' needs root and sudo is not available"
    fi
}

APT_UPDATED=""
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install $* by hand"
    if [ -z "$APT_UPDATED" ]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
    say "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# Waits for another `cargo install` of the same crate (started in another terminal) to
# finish instead of compiling it a second time alongside.
wait_for_other_cargo_install() {
    local crate="$1" pids
    pids="$(pgrep -f "cargo install .*${crate}" || true)"
    if [ -n "$pids" ]; then
        say "another 'cargo install ${crate}' is running (pid ${pids//$'\n'/ }); waiting for it"
        while pgrep -f "cargo install .*${crate}" >/dev/null 2>&1; do
            sleep 10
        done
    fi
}

ensure_rust_components() {
    say "rustfmt and clippy components"
    local missing=()
    command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup first"
    cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
    if [ ${#missing[@]} -eq 0 ]; then
        ok "present"
    else
        say "rustup component add ${missing[*]}"
        rustup component add "${missing[@]}"
    fi
}

ensure_wasm_target() {
    say "Rust target ${WASM_TARGET}"
    if rustup target list --installed | grep -qx "$WASM_TARGET"; then
        ok "installed"
    else
        say "rustup target add ${WASM_TARGET}"
        rustup target add "$WASM_TARGET"
    fi
}

ensure_trunk() {
    say "trunk ${TRUNK_VERSION}"
    wait_for_other_cargo_install trunk
    local found=""
    if command -v trunk >/dev/null 2>&1; then
        found="$(trunk --version 2>/dev/null | awk '{print $2}')"
    fi
    if [ "$found" = "$TRUNK_VERSION" ]; then
        ok "installed ($(command -v trunk))"
    else
        say "cargo install --locked trunk@${TRUNK_VERSION} (found: ${found:-none}; takes 10-20 minutes once)"
        quick_install_profile cargo install --locked "trunk@${TRUNK_VERSION}"
    fi
}

# The wasm-bindgen version the web app is built against: Trunk refuses (in --offline mode)
# a wasm-bindgen CLI whose version differs from the library's in Cargo.lock.
wasm_bindgen_lock_version() {
    local versions
    versions="$(awk '
        /^\[\[package\]\]/ { name = ""; next }
        /^name = / { name = $3; gsub(/"/, "", name); next }
        /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v }
    ' "$REPO_ROOT/Cargo.lock" | sort -u)"
    [ -n "$versions" ] || die "no wasm-bindgen package in Cargo.lock"
    [ "$(printf '%s\n' "$versions" | wc -l)" -eq 1 ] ||
        die "several wasm-bindgen versions in Cargo.lock: $(echo "$versions" | tr '\n' ' ')"
    printf '%s\n' "$versions"
}

ensure_wasm_bindgen() {
    [ -f "$REPO_ROOT/Cargo.lock" ] || die "Cargo.lock is missing: run 'cargo generate-lockfile' first"
    local want found="" log
    want="$(wasm_bindgen_lock_version)"
    say "wasm-bindgen CLI ${want} (the version in Cargo.lock)"
    wait_for_other_cargo_install wasm-bindgen-cli
    if command -v wasm-bindgen >/dev/null 2>&1; then
        found="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')"
    fi
    if [ "$found" = "$want" ]; then
        ok "installed ($(command -v wasm-bindgen))"
        return
    fi
    say "cargo install wasm-bindgen-cli@${want} (found: ${found:-none}; takes a few minutes once)"
    log="$(mktemp)"
    if quick_install_profile cargo install "wasm-bindgen-cli@${want}" 2>&1 | tee "$log"; then
        rm -f "$log"
        return
    fi
    if grep -q "could not find .wasm-bindgen-cli." "$log"; then
        rm -f "$log"
        # The CLI is published with the library, so this is rare; Trunk will then insist
        # on the exact version unless Trunk.toml's [tools] wasm_bindgen says otherwise.
        local minor="${want%.*}"
        say "wasm-bindgen-cli ${want} is not published; installing the newest ${minor}.x"
        quick_install_profile cargo install wasm-bindgen-cli --version "~${minor}"
    else
        rm -f "$log"
        die "cargo install wasm-bindgen-cli@${want} failed"
    fi
}

ensure_chromium() {
    say "Chromium (${CHROMIUM_BIN})"
    if [ -x "$CHROMIUM_BIN" ]; then
        ok "installed ($("$CHROMIUM_BIN" --version 2>/dev/null || echo 'version unknown'))"
    else
        apt_install chromium
        [ -x "$CHROMIUM_BIN" ] || die "chromium installed but $CHROMIUM_BIN is missing"
    fi
}

ensure_node() {
    # A machine with only the Rust toolchain gets Debian's Node.js (18 or newer works).
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm
    fi
    local node_major
    node_major="$(node -p 'process.versions.node.split(".")[0]')"
    [ "$node_major" -ge 18 ] || die "Node.js $(node --version) is too old: 18 or newer is needed"
}

# Swagger UI for the API reference page (/api/docs), vendored from npm at build time so
# the instance never loads it from a CDN.
# `npm ci` in a folder, but only when its package-lock.json changed since the last install
# there (npm ci always wipes node_modules, so running it every time would be slow).
npm_ci_if_changed() {
    local dir="$1" want have stamp="$1/node_modules/.installed-lock-sha256"
    ensure_node
    [ -f "$dir/package-lock.json" ] || die "$dir/package-lock.json is missing"
    want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [ "$have" = "$want" ]; then
        ok "installed as locked (${dir#"$REPO_ROOT"/}/package-lock.json)"
    else
        (cd "$dir" && npm ci --no-audit --no-fund)
        printf '%s\n' "$want" >"$stamp"
    fi
}

# Swagger UI for the API reference page (/api/docs), vendored from npm at build time so
# the instance never loads it from a CDN.
ensure_apidocs_assets() {
    say "API reference assets (npm ci in crates/api/apidocs/)"
    npm_ci_if_changed "$REPO_ROOT/crates/api/apidocs"
}

ensure_e2e_deps() {
    say "e2e npm dependencies (npm ci in e2e/)"
    npm_ci_if_changed "$REPO_ROOT/e2e"
}

# Schemathesis for the API conformance run, in a virtualenv of its own (from PyPI, pinned
# in e2e/conformance/requirements.txt); reinstalled only when that file changes.
CONFORMANCE_VENV="$REPO_ROOT/e2e/conformance/.venv"
ensure_schemathesis() {
    local requirements="$REPO_ROOT/e2e/conformance/requirements.txt" want have
    local stamp="$CONFORMANCE_VENV/.installed-requirements-sha256"
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [ "$have" = "$want" ] && [ -x "$CONFORMANCE_VENV/bin/schemathesis" ]; then
        ok "schemathesis installed as pinned (e2e/conformance/requirements.txt)"
        return
    fi
    command -v python3 >/dev/null 2>&1 || apt_install python3
    # Debian's python3 has venv without ensurepip until python3-venv is installed.
    if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
        apt_install python3-venv
    fi
    say "schemathesis into e2e/conformance/.venv (pip, from PyPI)"
    rm -rf "$CONFORMANCE_VENV"
    python3 -m venv "$CONFORMANCE_VENV"
    "$CONFORMANCE_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    printf '%s\n' "$want" >"$stamp"
}

postgres_answers() {
    pg_isready -q -h 127.0.0.1 -p 5432
}

# Whether user postgres may connect over TCP without a password (trust auth).
postgres_trusts_us() {
    psql -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1
}

wait_for_postgres() {
    local tries=0
    until postgres_answers; do
        tries=$((tries + 1))
        [ "$tries" -le 60 ] || die "PostgreSQL did not answer on 127.0.0.1:5432 within 30 s"
        sleep 0.5
    done
}

# PostgreSQL for the API tests: the one already on 127.0.0.1:5432 if it answers, otherwise
# the Debian cluster, started (and installed first when missing), with trust auth over TCP.
ensure_postgres() {
    if [ -n "${TEST_POSTGRES_URL:-}" ] && [ "$TEST_POSTGRES_URL" != "$DEFAULT_TEST_POSTGRES_URL" ]; then
        say "PostgreSQL: using TEST_POSTGRES_URL as given (not managed here)"
        return
    fi
    export TEST_POSTGRES_URL="$DEFAULT_TEST_POSTGRES_URL"
    local version hba
    say "PostgreSQL on 127.0.0.1:5432"
    command -v pg_isready >/dev/null 2>&1 || apt_install postgresql
    if postgres_answers; then
        ok "answering"
    else
        # pg_isready alone may come from a client-only install.
        command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
        version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
        if [ -z "$version" ] || [ ! -d "/etc/postgresql/$version/main" ]; then
            version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
            [ -n "$version" ] || die "PostgreSQL is installed but no server version was found"
            say "pg_createcluster ${version} main (port 5432, trust auth)"
            as_root pg_createcluster "$version" main --port 5432 -- --auth-local=trust --auth-host=trust
        fi
        say "pg_ctlcluster ${version} main start"
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
        wait_for_postgres
        ok "answering"
    fi
    if postgres_trusts_us; then
        ok "user postgres connects over TCP without a password"
        return
    fi
    # Debian's default is password auth over TCP; the tests use a throwaway local server,
    # so trust connections from this machine only.
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
    hba="/etc/postgresql/${version}/main/pg_hba.conf"
    if [ -z "$version" ] || [ ! -f "$hba" ]; then
        die "PostgreSQL answers but refuses user postgres without a password; set TEST_POSTGRES_URL"
    fi
    say "trusting 127.0.0.1 and ::1 in ${hba}"
    as_root sed -i -e '1i host all all 127.0.0.1/32 trust' -e '1i host all all ::1/128 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    wait_for_postgres
    postgres_trusts_us || die "PostgreSQL still refuses user postgres without a password"
    ok "user postgres connects over TCP without a password"
}

build_web() {
    say "trunk build --release --offline (the browser app into crates/web/dist)"
    [ -f "$REPO_ROOT/Trunk.toml" ] || die "Trunk.toml is missing at the repository root"
    # In release mode Trunk runs wasm-opt unless index.html turns it off with
    # data-wasm-opt="0"; there is no wasm-opt from a registry here, so say so up front.
    local index="$REPO_ROOT/crates/web/index.html"
    if [ -f "$index" ] && ! grep -q 'data-wasm-opt="0"' "$index" && ! command -v wasm-opt >/dev/null 2>&1; then
        printf 'warning: %s does not set data-wasm-opt="0" and wasm-opt is not installed;\n' "$index" >&2
        printf '         trunk build --release --offline will fail to find wasm-opt\n' >&2
    fi
    (cd "$REPO_ROOT" && trunk build --release --offline)
}
