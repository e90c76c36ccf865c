#!/usr/bin/env bash
# Profile-guided optimisation of the emulator: builds an instrumented copy in its own tree, runs it
# on our kernel's workloads (both boards, allocators, DMA, interrupts, the validation loops), and
# leaves the profile where the release build's objects look for it. The build (emu/CMakeLists.txt)
# calls it whenever a source of the emulator has changed.
set -euo pipefail

src=$(realpath "$1")
build=$(realpath "$2")
unicorn=$3
build_type=$4
train=$build/pgo-train
raw=$build/pgo-raw
profile=$build/pgo-profile

trap 'echo "pgo-train: failed; the instrumented build and the runs log to $build/pgo-train.log" >&2' ERR
# The outer make's job server and flags are not the inner build's.
unset MAKEFLAGS MFLAGS MAKELEVEL
rm -rf "$raw" "$profile"
cmake -S "$src" -B "$train" -DCMAKE_BUILD_TYPE="$build_type" -DUNICORN_PREFIX="$unicorn" -DIA32EMU_PGO=OFF \
      -DCMAKE_CXX_FLAGS="-fprofile-generate=$raw -fprofile-update=single" \
      -DCMAKE_EXE_LINKER_FLAGS="-fprofile-generate=$raw" > "$build/pgo-train.log"
cmake --build "$train" --target ia32emu -j "$(nproc)" >> "$build/pgo-train.log"

workloads=(
  "--board pentium-m --cmdline scenario=bench reps=1 slub_debug=-"
  "--board atom-n270 --cmdline scenario=bench reps=1 slub_debug=-"
  "--board pentium-m --cmdline scenario=selftest"
  "--board pentium-m --cmdline scenario=dma_vmalloc_sg"
  "--board pentium-m --cmdline scenario=timer"
  "--board atom-n270 --cmdline scenario=validate_sweep count=4096 passes=200"
)
for w in "${workloads[@]}"; do
  board=${w%% --cmdline *}
  cmdline=${w#* --cmdline }
  # shellcheck disable=SC2086
  "$train/ia32emu" run "$train/guest/kernel.elf" $board --cmdline "$cmdline" --timeout 600 > /dev/null 2>> "$build/pgo-train.log" ||
    { echo "pgo-train: '$w' did not exit 0, see $build/pgo-train.log" >&2; exit 1; }
done

# GCC names each object's profile after the object's absolute path, '/' spelled '#'. The release
# build's objects sit at the same relative paths under $build as the instrumented ones under $train.
from=$(printf '%s/' "$train" | tr / '#')
to=$(printf '%s/' "$build" | tr / '#')
mkdir -p "$profile"
for f in "$raw"/*.gcda; do
  name=$(basename "$f")
  mv "$f" "$profile/$to${name#"$from"}"
done
rm -rf "$raw"
touch "$profile/trained.stamp"
