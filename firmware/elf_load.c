/*
 * ELF path of the Multiboot loader. Segments go to p_paddr (paging is off at the hand-off), are
 * streamed from fw_cfg in file-offset order so the file is read once, and get their bss zeroed.
 * Like GRUB, an e_entry inside a segment's virtual range is translated to the matching physical
 * address, so a kernel linked high with lower load addresses still starts where it was put.
 */
#include "elf_load.h"

#include "devices/abi/fw_cfg.h"
#include "fail.h"
#include "fwcfg.h"
#include "kernel_file.h"
#include "load_target.h"
#include "string.h"

#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define PT_LOAD 1
#define MAX_PHDRS FW_CFG_MAX_PHDRS

struct elf32_ehdr {
    u8 e_ident[16];
    u16 e_type;
    u16 e_machine;
    u32 e_version;
    u32 e_entry;
    u32 e_phoff;
    u32 e_shoff;
    u32 e_flags;
    u16 e_ehsize;
    u16 e_phentsize;
    u16 e_phnum;
    u16 e_shentsize;
    u16 e_shnum;
    u16 e_shstrndx;
} __attribute__((packed));

struct elf32_phdr {
    u32 p_type;
    u32 p_offset;
    u32 p_vaddr;
    u32 p_paddr;
    u32 p_filesz;
    u32 p_memsz;
    u32 p_flags;
    u32 p_align;
} __attribute__((packed));

static struct elf32_phdr phdrs[MAX_PHDRS];
/* Indices of the PT_LOAD entries of phdrs, sorted by p_offset. */
static u32 order[MAX_PHDRS];
static u32 load_count;

void elf_check(const u8 *head, u32 head_len)
{
    if (head_len < 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F')
        fail("kernel is not an ELF file and has no Multiboot a.out-kludge header");
    if (head_len < sizeof(struct elf32_ehdr))
        fail("kernel file is truncated: shorter than an ELF header");
    if (head[4] == ELFCLASS64)
        fail("kernel is a 64-bit ELF; only 32-bit i386 kernels boot");
    if (head[4] != ELFCLASS32 || head[5] != ELFDATA2LSB)
        fail("kernel is not a 32-bit little-endian ELF");

    const struct elf32_ehdr *eh = (const struct elf32_ehdr *)head;
    if (eh->e_machine != EM_386)
        fail_value("kernel is not an i386 ELF: e_machine is", eh->e_machine);
    if (eh->e_type != ET_EXEC)
        fail_value("kernel is not an executable ELF (ET_EXEC): e_type is", eh->e_type);
    if (eh->e_phentsize != sizeof(struct elf32_phdr))
        fail_value("kernel ELF has an unexpected program header size:", eh->e_phentsize);
    if (eh->e_phnum == 0 || eh->e_phnum > MAX_PHDRS)
        fail_value("kernel ELF has an unsupported number of program headers:", eh->e_phnum);
    u32 file_size = kernel_file_size();
    if (eh->e_phoff > file_size || eh->e_phnum * sizeof(struct elf32_phdr) > file_size - eh->e_phoff)
        fail("kernel file is truncated: its program header table runs past its end");
}

static void collect_loads(u32 phnum)
{
    u32 file_size = kernel_file_size();
    u64 skipped = fwcfg_read_u64(FW_CFG_SKIPPED_PHDRS);
    load_count = 0;
    for (u32 i = 0; i < phnum; i++) {
        const struct elf32_phdr *ph = &phdrs[i];
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0 || (skipped >> i) & 1)
            continue;
        if (ph->p_filesz > ph->p_memsz)
            fail_value("kernel segment has p_filesz > p_memsz, at", ph->p_paddr);
        if (ph->p_offset > file_size || ph->p_filesz > file_size - ph->p_offset)
            fail_value("kernel file is truncated: a segment runs past its end, at offset",
                       ph->p_offset);
        load_target_check(ph->p_paddr, ph->p_memsz);

        u32 j = load_count++;
        while (j > 0 && phdrs[order[j - 1]].p_offset > ph->p_offset) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    if (load_count == 0)
        fail("kernel ELF has no loadable segment");
}

static u32 physical_entry(u32 entry)
{
    for (u32 k = 0; k < load_count; k++) {
        const struct elf32_phdr *ph = &phdrs[order[k]];
        if (entry >= ph->p_vaddr && entry - ph->p_vaddr < ph->p_memsz)
            return entry - ph->p_vaddr + ph->p_paddr;
    }
    return entry;
}

u32 elf_load(const u8 *head, u32 head_len)
{
    elf_check(head, head_len);
    const struct elf32_ehdr *eh = (const struct elf32_ehdr *)head;
    u32 entry = eh->e_entry;
    u32 phnum = eh->e_phnum;

    kernel_file_read(eh->e_phoff, phdrs, phnum * sizeof(struct elf32_phdr));
    collect_loads(phnum);

    for (u32 k = 0; k < load_count; k++) {
        const struct elf32_phdr *ph = &phdrs[order[k]];
        u8 *dst = (u8 *)ph->p_paddr;
        kernel_file_read(ph->p_offset, dst, ph->p_filesz);
        memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    }
    return physical_entry(entry);
}
