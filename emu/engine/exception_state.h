// Unicorn keeps QEMU's "exception in flight" marker set after a fault that a hook handled, so the
// next fault would be turned into #DF and the one after into a silent shutdown (unicorn issue
// 1883). The marker lives at an offset inside the saved CPU context that we find by experiment.
#pragma once

struct uc_struct;
struct uc_context;

namespace ia32emu {

// Runs a throwaway engine that takes #DE twice and returns where the marker lives in a context
// blob; throws if it cannot be found unambiguously.
long find_exception_state_offset();

// Marks the exception as delivered, as a real CPU does once the handler's frame is pushed.
void clear_exception_state(uc_struct *uc, uc_context *scratch, long offset);

} // namespace ia32emu
