#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of fuzz/targets with clang (ASan, UBSan, coverage) in
# their own build folder and runs each for FUZZ_SECONDS (60 by default) with a fixed seed, so a
# run is repeatable. New inputs go to $BUILD/corpus/NAME (the committed fuzz/corpus/NAME is only
# read); a crash, hang or out-of-memory input is written to $BUILD/findings/NAME/ and the run
# fails: minimise it (fuzz_NAME -minimize_crash=1 FILE), fix the parser and add the input under
# fuzz/regressions/NAME/ so that the ctest replays it from then on.
#   FUZZ_TARGETS="board_file dma_api"   only these targets
#   FUZZ_SECONDS=600 FUZZ_SEED=7        longer, another seed
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-1}
jobs=${JOBS:-$(nproc)}

# Unicorn's prefix comes from the normal bootstrap; clang from Debian's package.
BOOTSTRAP_FUZZ=1 BUILD_DIR=$build BUILD_TYPE=RelWithDebInfo \
  CMAKE_EXTRA="-DIA32EMU_FUZZ=ON -DIA32EMU_LTO=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++" \
  bash "$root/tools/bootstrap.sh"
cmake --build "$build" -j "$jobs" --target fuzzers

targets=${FUZZ_TARGETS:-$(cd "$root/fuzz/targets" && ls ./*.cpp | sed 's|^\./||; s|\.cpp$||')}
failed=()
for name in $targets; do
  corpus=$build/corpus/$name
  findings=$build/findings/$name
  mkdir -p "$corpus" "$findings"
  seeds=("$root/fuzz/corpus/$name")
  [ -d "$root/fuzz/regressions/$name" ] && seeds+=("$root/fuzz/regressions/$name")
  echo "fuzz: $name for ${seconds}s (seed $seed)" >&2
  # Inputs up to 64 KiB; one input may take 10 s and 2 GiB before it counts as a hang or a leak
  # of memory: a parser must refuse what would need more.
  if ! "$build/fuzz/fuzz_$name" -seed="$seed" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
       -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
       "$corpus" "${seeds[@]}" 2> "$build/findings/$name.log"; then
    failed+=("$name")
    tail -n 40 "$build/findings/$name.log" >&2
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|cov: ' "$build/findings/$name.log" | tail -n 3 >&2 || true
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: findings in ${failed[*]} (inputs under $build/findings/)" >&2
  exit 1
fi
echo "fuzz: no findings in $targets" >&2
