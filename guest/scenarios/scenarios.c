/* The scenario table: scenario=NAME on the command line picks an entry. */
#include "scenarios/scenarios.h"
#include "lib/printk.h"
#include "lib/types.h"

const struct scenario scenarios[] = {
    { "boot", scenario_boot, "", "banner, command line, Multiboot memory map" },
    { "traps", scenario_traps, "[count=N]", "#PF, #GP, #DE and int3 taken N times each, handled, checked" },
    { "triple", scenario_triple, "", "an empty IDT and a fault: the machine triple-faults" },
    { "selftest", scenario_selftest, "[seed=N]", "TAP assertions over every allocator and invariant, then a seeded stress" },
    { "frag", scenario_frag, "", "physical fragmentation: order-4 pages fail where vmalloc(64 KiB) succeeds" },
    { "layout", scenario_layout, "", "representative addresses of kmalloc, pages, vmalloc and ioremap" },
    { "dma_kmalloc", scenario_dma_kmalloc, "", "DMA to a kmalloc buffer through dma_map_single: the data round-trips" },
    { "dma_coherent", scenario_dma_coherent, "", "DMA through dma_alloc_coherent: the data round-trips" },
    { "dma_vmalloc_virt_to_phys", scenario_dma_vmalloc_virt_to_phys, "", "the classic bug: virt_to_phys() of a vmalloc buffer as the bus address" },
    { "dma_vmalloc_map_single", scenario_dma_vmalloc_map_single, "", "dma_map_single refuses vmalloc memory" },
    { "dma_vmalloc_sg", scenario_dma_vmalloc_sg, "", "a vmalloc buffer mapped page by page with dma_map_sg: the data round-trips" },
    { "dma_after_free", scenario_dma_after_free, "", "DMA to the bus address of an unmapped, freed buffer" },
    { "dma_above_mask", scenario_dma_above_mask, "", "a highmem page above a 28-bit DMA mask; a GFP_DMA buffer works" },
    { "dma_driver_bugs", scenario_dma_driver_bugs, "[bug=NAME|none]", "a ring driver with one of the usual DMA API bugs, or done right" },
    { "dma_check_flood", scenario_dma_check_flood, "", "hostile: 16,384 leaked DMA mappings, then a refused transfer rung without end" },
    { "timer", scenario_timer, "[hz=N] [sleep=TICKS] [loops=N]", "PIT ticks on IRQ 0 over a hlt sleep and a busy loop, with the TSC cycles each spanned" },
    { "fb", scenario_fb, "", "finds bochs-display, maps it with ioremap, draws a test pattern at 640x480x32" },
    { "bench", scenario_bench, "[reps=N]", "allocate/touch/free 32 B .. 4 MiB with kmalloc, pages and vmalloc, each phase a region; TLB reach; fragmented memory" },
    { "validate_sweep", scenario_validate_sweep, "[mem=direct|vmalloc] [count=N] [stride=B] [offset=B] [passes=N] [cold=0|1]", "loads over a buffer, one region per pass (timing validation)" },
    { "validate_chase", scenario_validate_chase, "[size=B] [stride=B] [loads=N]", "a pointer chase (timing validation)" },
    { "validate_icount", scenario_validate_icount, "[iters=N]", "instruction counts of known loops (timing validation)" },
    { "validate_alias", scenario_validate_alias, "[loads=N]", "loads through the direct map and a vmap alias of the same frame" },
    { "validate_stale_tlb", scenario_validate_stale_tlb, "[flush=none|invlpg|cr3|global]", "a rewritten PTE read with and without a TLB flush" },
    { "validate_latency", scenario_validate_latency, "[size=B] [stride=B] [loads=N] [random=0|1] [chains=1|4]", "load-to-use latency by buffer size, lmbench style" },
    { "validate_bandwidth", scenario_validate_bandwidth, "[mode=read|write] [size=B] [stride=B] [passes=N]", "read or write bandwidth" },
    { "validate_branch", scenario_validate_branch, "[iterations=N]", "a branch taken at random against a fixed one: the mispredict penalty" },
    { "validate_issue", scenario_validate_issue, "[iterations=N]", "independent and dependent adds: the issue width and the ADD latency" },
    { "validate_paths", scenario_validate_paths, "[calls=N]", "a loop at a function's entry, recursion and a tail call: what path accounting counts" },
};

const int nr_scenarios = ARRAY_SIZE(scenarios);

void scenarios_print_help(void)
{
    printk("scenarios (scenario=NAME [PARAMETER=VALUE]...):\n");
    for (int i = 0; i < nr_scenarios; i++)
        printk("  %s%s%s: %s\n", scenarios[i].name, scenarios[i].args[0] ? " " : "", scenarios[i].args,
               scenarios[i].what);
    printk("any scenario: vmalloc=SIZE (the lowmem limit, as Linux), slub_debug=- (no red zones or poisoning)\n");
}
