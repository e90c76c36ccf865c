/* The Multiboot hand-off: EAX = 0x2BADB002, EBX = info, flat segments, IF off, paging off. */

    .text
    .code32
    /* void boot_kernel(u32 entry, u32 mbi), never returns */
    .globl boot_kernel
boot_kernel:
    movl 4(%esp), %ecx
    movl 8(%esp), %ebx
    movl $0x2badb002, %eax
    cli
    jmp *%ecx

/* The Linux 32-bit boot protocol hand-off: ESI = boot_params, EBP = EDI = EBX = 0, IF off. */
    /* void boot_linux(u32 entry, u32 boot_params), never returns */
    .globl boot_linux
boot_linux:
    movl 4(%esp), %ecx
    movl 8(%esp), %esi
    xorl %ebp, %ebp
    xorl %edi, %edi
    xorl %ebx, %ebx
    cli
    jmp *%ecx

    .section .note.GNU-stack, "", @progbits
