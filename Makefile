# Entry points; each goes through tools/bootstrap.sh, which installs what is missing and configures.
BUILD ?= build
JOBS ?= $(shell nproc)
export BUILD_DIR := $(abspath $(BUILD))

.PHONY: all build demo test sanitize fuzz clean
all: build

build:
	bash tools/bootstrap.sh
	cmake --build $(BUILD) -j $(JOBS)

# Only what the demo needs, quietly: the guest's own lines go to a file, the report's summary to
# the terminal (8 repetitions per cell: the README's bench table is this run).
demo:
	@mkdir -p $(BUILD) && echo "demo: setting up and building the emulator and our kernel (log: $(BUILD)/demo-build.log)"
	@{ bash tools/bootstrap.sh && cmake --build $(BUILD) -j $(JOBS) --target ia32emu; } > $(BUILD)/demo-build.log 2>&1 \
		|| { cat $(BUILD)/demo-build.log; exit 1; }
	@echo "demo: scenario=bench slub_debug=- on the default board (guest output: $(BUILD)/demo-serial.txt, report: $(BUILD)/demo-report.json)"
	@$(BUILD)/ia32emu run $(BUILD)/guest/kernel.elf --cmdline "scenario=bench slub_debug=-" \
		--serial $(BUILD)/demo-serial.txt --report $(BUILD)/demo-report.json
	@$(BUILD)/ia32emu report $(BUILD)/demo-report.json

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

sanitize:
	$(MAKE) test BUILD=build-asan BUILD_TYPE=Debug CMAKE_EXTRA=-DIA32EMU_SANITIZE=ON

# libFuzzer targets (fuzz/) built with clang in build-fuzz, each run FUZZ_SECONDS (default 60).
fuzz:
	BUILD_DIR=$(abspath build-fuzz) JOBS=$(JOBS) bash tools/fuzz.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz
