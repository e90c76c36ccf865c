// The target description gdb reads with qXfer:features:read:target.xml: an i386 with the core
// and SSE features in gdb's register numbering (emu/engine/debug_control.h's DebugReg), and
// nothing more, so the `g` packet has the layout gdb assumes for an i386 without a description
// (no fs_base/gs_base, no orig_eax, no control registers).
#pragma once

#include <string_view>

namespace ia32emu {

std::string_view i386_target_xml();

} // namespace ia32emu
