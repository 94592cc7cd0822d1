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
