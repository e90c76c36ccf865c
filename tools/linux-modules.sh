#!/usr/bin/env bash
# Builds out-of-tree Linux kernel modules as kbuild does (make -C KERNEL_BUILD M=DIR modules, with
# Debian's headers and kbuild tools from tools/fetch-linux.sh and the gcc the kernel was built
# with, -m32 as kbuild passes it; warnings are errors) and packs them into an initramfs whose
# /init loads them.
#   tools/linux-modules.sh OUT.gz MODULE_SOURCE_DIR...
# A source folder NAME holds NAME's sources and a Kbuild file; sources may include the
# repository's headers (e.g. "devices/abi/magic_ops.h") from its root.
# Exit 0: OUT.gz written; 3: the Debian archive cannot be reached; 1: a module did not build (the
# compiler's messages on stderr); 2: bad arguments.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=$build/linux

[ $# -ge 2 ] || { echo "usage: tools/linux-modules.sh OUT.gz MODULE_SOURCE_DIR..." >&2; exit 2; }
initrd=$1; shift
for src in "$@"; do
  [ -f "$src/Kbuild" ] || { echo "linux-modules: $src has no Kbuild file" >&2; exit 2; }
done

BUILD_DIR=$build bash "$root/tools/fetch-linux.sh" || exit $?

# Tests running in parallel may build the same module.
exec 8>"$out/.modules.lock"
flock 8
stage=$(mktemp -d "$out/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
# fetch-linux.sh rewrites the rootfs's init and applet links on every call (another test's): copy
# it under the same lock.
exec 9>"$out/.lock"
flock 9
cp -a "$out/rootfs/." "$stage/"
flock -u 9
for src in "$@"; do
  name=$(basename "$(cd "$src" && pwd)")
  # kbuild writes its objects beside the sources: build a copy, never in the repository.
  obj=$out/modules/$name
  rm -rf "$obj" && mkdir -p "$obj" && cp -a "$src/." "$obj/"
  if ! make -s -C "$out/kbuild" M="$obj" KCPPFLAGS="-I$root" KCFLAGS=-Werror modules >&2; then
    echo "linux-modules: $name did not build against $(cat "$out/.version")" >&2
    exit 1
  fi
  cp "$obj/$name.ko" "$stage/lib/modules/"
done
python3 "$root/tools/mkcpio.py" "$stage" | gzip -9n > "$initrd.tmp"
mv "$initrd.tmp" "$initrd"
