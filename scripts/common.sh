# Shared by scripts/serve and scripts/test: a Python 3.11+ virtualenv in .venv.

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  echo "Installing Debian packages: $*" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_venv() {
  PYTHON=${PYTHON:-python3}
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "mag needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    if ! "$PYTHON" -m venv .venv 2>/dev/null; then
      rm -rf .venv
      apt_install python3-venv
      "$PYTHON" -m venv .venv
    fi
    .venv/bin/python -m pip install -q --upgrade pip
  fi
}

# A local PostgreSQL server for the tests that run on both databases. Sets
# MAG_TEST_POSTGRESQL_URL unless it is already set (to use a server of your own).
ensure_postgresql() {
  if [ -n "${MAG_TEST_POSTGRESQL_URL:-}" ]; then return; fi
  if ! command -v pg_lsclusters >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt_install postgresql
  fi
  local version port
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  if ! pg_lsclusters -h | grep -q "^$version main "; then
    as_root pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | grep -q "^$version main .* online "; then
    as_root pg_ctlcluster "$version" main start
  fi
  port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
  if ! as_root runuser -u postgres -- psql -p "$port" -tAc \
      "SELECT 1 FROM pg_roles WHERE rolname = 'mag_test'" | grep -q 1; then
    as_root runuser -u postgres -- psql -p "$port" -q -c \
      "CREATE ROLE mag_test LOGIN CREATEDB PASSWORD 'mag_test'"
  fi
  export MAG_TEST_POSTGRESQL_URL="postgresql+psycopg://mag_test:mag_test@127.0.0.1:$port/postgres"
}

# The PDF export sets its text in DejaVu (Typst falls back to its own Libertinus
# without it); a minimal Debian may not have the fonts.
ensure_fonts() {
  if [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ]; then
    apt_install fonts-dejavu-core
  fi
}
