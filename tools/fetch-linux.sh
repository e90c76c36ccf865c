#!/usr/bin/env bash
# Fetches Debian 12's i386 kernel, static busybox, kernel headers and kbuild's host tools into the
# build tree and builds an initramfs around busybox. Nothing here is committed: the archive is the source of truth.
# Exit 0 with everything in place, 3 when the Debian archive cannot be reached (tests then skip).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
out=$build/linux
work=$out/apt
suite=bookworm
flavour=686

# The mirror is taken from the machine's own apt configuration so that no host is hard-coded.
debian_mirror() {
  local uri
  uri=$(grep -rhoE '^(URIs:|deb) +[a-z]+://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
        | grep -v security | head -n1 | awk '{print $2}')
  [ -n "$uri" ] || { echo "fetch-linux: no Debian mirror found in the apt configuration" >&2; exit 3; }
  echo "${uri%/}"
}

fetch_packages() {
  if [ -f "$out/.version" ] && [ -f "$out/vmlinuz" ] && [ -x "$out/rootfs/bin/busybox" ] &&
     [ -x "$out/kbuild/scripts/basic/fixdep" ]; then return 0; fi
  rm -rf "$work" && mkdir -p "$work/lists/partial" "$work/debs" "$work/cache/archives/partial"
  # kbuild's tools (fixdep, modpost) run on the host, so they come in the host's architecture.
  local host_arch
  host_arch=$(dpkg --print-architecture)
  echo "deb [arch=i386,$host_arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) $suite main" > "$work/sources.list"
  # i386 without dpkg --add-architecture: the private lists are the guest's architecture first and
  # the status file is empty, so apt resolves bare names for the guest, never the host.
  local apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null -o APT::Sandbox::User=root
                  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=1
                  -o APT::Architecture=i386 -o "APT::Architectures=i386,$host_arch" -o Dir::State::status=/dev/null)
  if ! apt-get "${apt_opts[@]}" update -q >&2; then
    echo "fetch-linux: the Debian archive cannot be reached" >&2; exit 3
  fi
  # The ABI number (the NN of 6.1.0-NN) moves with point releases: take the newest in the suite.
  local image
  image=$(apt-cache "${apt_opts[@]}" search --names-only "^linux-image-6\\.1\\.0-[0-9]+-$flavour-unsigned\$" \
          | awk '{print $1}' | sort -V | tail -n1)
  [ -n "$image" ] || { echo "fetch-linux: no linux-image-6.1.0-*-$flavour-unsigned in $suite" >&2; exit 3; }
  local abi=${image#linux-image-}; abi=${abi%-$flavour-unsigned}
  local headers=linux-headers-$abi-$flavour common=linux-headers-$abi-common
  (cd "$work/debs" && apt-get "${apt_opts[@]}" download -q "$image" busybox-static "$headers" "$common" >&2) || {
    echo "fetch-linux: downloading $image, busybox-static and headers failed" >&2; exit 3; }
  # The headers' Makefiles and scripts must be the kbuild of the same source version.
  local version kbuild
  version=$(dpkg-deb -f "$work"/debs/"$headers"_*.deb Version)
  kbuild=linux-kbuild-${abi%%.0-*}
  (cd "$work/debs" && apt-get "${apt_opts[@]}" download -q "$kbuild:$host_arch=$version" >&2) || {
    echo "fetch-linux: downloading $kbuild $version for $host_arch failed" >&2; exit 3; }
  rm -rf "$out/pkg" "$out/headers" "$out/rootfs" && mkdir -p "$out/pkg" "$out/headers"
  dpkg-deb -x "$work"/debs/linux-image-*.deb "$out/pkg"
  # Extracted side by side, the headers' relative links to ../../lib/linux-kbuild-* resolve.
  for deb in "$work"/debs/linux-headers-*.deb "$work"/debs/"$kbuild"_*.deb; do dpkg-deb -x "$deb" "$out/headers"; done
  mkdir -p "$out/rootfs"
  dpkg-deb -x "$work"/debs/busybox-static_*.deb "$out/busybox-pkg"
  install -D -m 0755 "$out/busybox-pkg/bin/busybox" "$out/rootfs/bin/busybox"
  rm -rf "$out/busybox-pkg"
  cp "$out"/pkg/boot/vmlinuz-* "$out/vmlinuz"
  rm -f "$out/System.map"
  ln -sfn "headers/usr/src/linux-headers-$abi-$flavour" "$out/kbuild"
  # Debian's Makefile includes the common tree at its absolute /usr/src path; this one finds it
  # beside itself, and the kernel's Makefile takes its source tree from where it is included.
  echo "include \$(dir \$(lastword \$(MAKEFILE_LIST)))../linux-headers-$abi-common/Makefile" > "$out/kbuild/Makefile"
  echo "$abi-$flavour" > "$out/.version"
}

# The init a test relies on: markers on the console, then the exit port (0xf4) through /dev/port.
write_init() {
  local rootfs=$1
  mkdir -p "$rootfs"/{dev,proc,sys,tmp,etc,root,lib/modules}
  rm -f "$rootfs"/lib/modules/*.ko
  for applet in sh mount echo cat dd printf dmesg ls insmod rmmod uname poweroff; do
    ln -sf busybox "$rootfs/bin/$applet"
  done
  cat > "$rootfs/init" <<'INIT'
#!/bin/sh
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "ia32emu-init: busybox userspace up ($(uname -r))"
# As modprobe does, NAME.KEY=VALUE words of the kernel command line are NAME.ko's parameters.
for m in /lib/modules/*.ko; do
  [ -e "$m" ] || continue
  name=${m##*/}; name=${name%.ko}; args=
  for word in $(cat /proc/cmdline); do
    case "$word" in "$name".*=*) args="$args ${word#"$name".}" ;; esac
  done
  insmod "$m" $args
done
echo "ia32emu-init: done"
printf '\000' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
INIT
  chmod 0755 "$rootfs/init"
}

mkdir -p "$out"
# Tests running in parallel share one fetch.
exec 9>"$out/.lock"
flock 9
fetch_packages
write_init "$out/rootfs"
# Debian's System.map is a stub: the symbols come from the kernel's own kallsyms tables.
if [ ! -s "$out/System.map" ]; then
  python3 "$root/tools/kallsyms.py" "$out/vmlinuz" > "$out/System.map.tmp"
  mv "$out/System.map.tmp" "$out/System.map"
fi
python3 "$root/tools/mkcpio.py" "$out/rootfs" | gzip -9n > "$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "fetch-linux: $(cat "$out/.version"): $out/vmlinuz $out/initrd.gz" >&2
