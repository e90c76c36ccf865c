// A report as one self-contained HTML page (inline SVG and CSS, no script, nothing fetched): cost
// against size per allocator on log-log axes for every region named SERIES/SIZE[:PHASE], how the
// allocators compare at each size, every path and region with its misses, faults, the board.
#pragma once

#include <string>

#include "emu/report/report.h"

namespace ia32emu {

std::string report_html(const Report &report, const std::string &title);

} // namespace ia32emu
