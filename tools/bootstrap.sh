#!/usr/bin/env bash
# Idempotent set-up shared by every make target: Debian packages, the Unicorn 2.1 prefix, configure.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
build_type=${BUILD_TYPE:-RelWithDebInfo}
prefix=$build/unicorn-prefix
# Debian 12 ships Unicorn 2.0.1, whose paged guests ignore the PTE frame; trixie's 2.1.x works.
unicorn_suite=trixie
unicorn_pin=2.1.1-2+b2

# Slurm and munge: the sweep tests start a private single-node cluster (tests/sweep/).
# Chromium: the report page is rendered headless in tests/report/.
packages=(build-essential cmake pkg-config nasm libcapstone-dev libspdlog-dev libfmt-dev
          libgtest-dev libcli11-dev nlohmann-json3-dev libtomlplusplus-dev libpng-dev libssl-dev
          liblzma-dev zlib1g-dev
          qemu-system-x86 qemu-system-data python3 chromium gdb
          slurmctld slurmd slurm-client munge)
# `make fuzz` only: clang and its libFuzzer runtime.
if [ -n "${BOOTSTRAP_FUZZ:-}" ]; then packages+=(clang libclang-rt-14-dev); fi

missing_packages() {
  local p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  echo "bootstrap: installing $missing" >&2
  as_root apt-get update -q
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
}

# The mirror is taken from the machine's own apt configuration so that no host is hard-coded.
debian_mirror() {
  local uri
  uri=$(grep -rhoE '^(URIs:|deb) +[a-z]+://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
        | grep -v security | head -n1 | awk '{print $2}')
  [ -n "$uri" ] || { echo "bootstrap: no Debian mirror found in the apt configuration" >&2; exit 1; }
  echo "${uri%/}"
}

prepare_unicorn() {
  if [ -f "$prefix/.version" ]; then return 0; fi
  local work=$build/unicorn-apt
  rm -rf "$work" && mkdir -p "$work/lists/partial" "$work/debs" "$work/cache/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) $unicorn_suite main" > "$work/sources.list"
  local apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null -o APT::Sandbox::User=root
                  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=1)
  apt-get "${apt_opts[@]}" update -q >&2
  local version
  version=$(apt-cache "${apt_opts[@]}" madison libunicorn-dev | awk -F'|' '{gsub(/ /,"",$2); print $2}' \
            | grep -Fx "$unicorn_pin" || true)
  if [ -z "$version" ]; then
    version=$(apt-cache "${apt_opts[@]}" madison libunicorn-dev | awk -F'|' '{gsub(/ /,"",$2); print $2}' \
              | grep -E '^2\.1\.' | sort -V | tail -n1 || true)
    [ -n "$version" ] || { echo "bootstrap: no Unicorn 2.1.x in $unicorn_suite; refusing older versions" >&2; exit 1; }
    echo "bootstrap: Unicorn $unicorn_pin is gone from the archive; using $version" >&2
  fi
  (cd "$work/debs" && apt-get "${apt_opts[@]}" download -q "libunicorn-dev=$version" "libunicorn2t64=$version" >&2)
  rm -rf "$prefix.tmp" && mkdir -p "$prefix.tmp"
  for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$prefix.tmp"; done
  echo "$version" > "$prefix.tmp/.version"
  rm -rf "$prefix" && mv "$prefix.tmp" "$prefix"
  echo "bootstrap: Unicorn $version in $prefix" >&2
}

configure() {
  if [ -f "$build/CMakeCache.txt" ] && [ "$(cat "$build/.bootstrap-args" 2>/dev/null)" = "$build_type ${CMAKE_EXTRA:-}" ]; then
    return 0
  fi
  # shellcheck disable=SC2086
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="$build_type" -DUNICORN_PREFIX="$prefix" ${CMAKE_EXTRA:-} >&2
  echo "$build_type ${CMAKE_EXTRA:-}" > "$build/.bootstrap-args"
}

mkdir -p "$build"
install_packages
prepare_unicorn
configure
