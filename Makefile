# Entry points; each goes through tools/bootstrap.sh, which installs what is missing and configures.
BUILD ?= build
JOBS ?= $(shell nproc)
export BUILD_DIR := $(abspath $(BUILD))

.PHONY: all build demo test sanitize fuzz clean
all: build

build:
	bash tools/bootstrap.sh
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/ia32emu run $(BUILD)/guest/kernel.elf --cmdline "scenario=bench reps=1 slub_debug=-" --summary

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

sanitize:
	$(MAKE) test BUILD=build-asan BUILD_TYPE=Debug CMAKE_EXTRA=-DIA32EMU_SANITIZE=ON

# libFuzzer targets (fuzz/) built with clang in build-fuzz, each run FUZZ_SECONDS (default 60).
fuzz:
	BUILD_DIR=$(abspath build-fuzz) JOBS=$(JOBS) bash tools/fuzz.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz
