/* The scenario table: scenario=NAME on the command line picks an entry. */
#include "scenarios/scenarios.h"
#include "lib/types.h"

const struct scenario scenarios[] = {
    { "boot", scenario_boot },
    { "traps", scenario_traps },
    { "triple", scenario_triple },
    { "selftest", scenario_selftest },
    { "frag", scenario_frag },
    { "layout", scenario_layout },
    { "dma_kmalloc", scenario_dma_kmalloc },
    { "dma_coherent", scenario_dma_coherent },
    { "dma_vmalloc_virt_to_phys", scenario_dma_vmalloc_virt_to_phys },
    { "dma_vmalloc_map_single", scenario_dma_vmalloc_map_single },
    { "dma_vmalloc_sg", scenario_dma_vmalloc_sg },
    { "dma_after_free", scenario_dma_after_free },
    { "dma_above_mask", scenario_dma_above_mask },
    { "dma_driver_bugs", scenario_dma_driver_bugs },
    { "fb", scenario_fb },
    { "bench", scenario_bench },
    { "validate_sweep", scenario_validate_sweep },
    { "validate_chase", scenario_validate_chase },
    { "validate_icount", scenario_validate_icount },
    { "validate_alias", scenario_validate_alias },
    { "validate_stale_tlb", scenario_validate_stale_tlb },
    { "validate_latency", scenario_validate_latency },
    { "validate_bandwidth", scenario_validate_bandwidth },
    { "validate_branch", scenario_validate_branch },
    { "validate_issue", scenario_validate_issue },
    { "validate_paths", scenario_validate_paths },
};

const int nr_scenarios = ARRAY_SIZE(scenarios);
