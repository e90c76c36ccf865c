/* Scenarios: what the kernel runs after boot, picked with scenario=NAME. Return = exit code. */
#ifndef GUEST_SCENARIOS_SCENARIOS_H
#define GUEST_SCENARIOS_SCENARIOS_H

struct scenario {
    const char *name;
    int (*run)(void);
    const char *args;   /* its command-line parameters, "" when none */
    const char *what;   /* one line for scenario=help */
};

extern const struct scenario scenarios[];
extern const int nr_scenarios;

/* Prints every scenario with its parameters and one line on what it shows. */
void scenarios_print_help(void);

int scenario_boot(void);
int scenario_timer(void);
int scenario_traps(void);
int scenario_triple(void);
int scenario_selftest(void);
int scenario_frag(void);
int scenario_layout(void);
int scenario_dma_kmalloc(void);
int scenario_dma_coherent(void);
int scenario_dma_vmalloc_virt_to_phys(void);
int scenario_dma_vmalloc_map_single(void);
int scenario_dma_vmalloc_sg(void);
int scenario_dma_after_free(void);
int scenario_dma_driver_bugs(void);
int scenario_dma_check_flood(void);
int scenario_dma_above_mask(void);
int scenario_fb(void);
int scenario_bench(void);
int scenario_validate_sweep(void);
int scenario_validate_chase(void);
int scenario_validate_icount(void);
int scenario_validate_alias(void);
int scenario_validate_stale_tlb(void);
int scenario_validate_latency(void);
int scenario_validate_bandwidth(void);
int scenario_validate_branch(void);
int scenario_validate_issue(void);
int scenario_validate_paths(void);

#endif
