/*
 * A minimal bzImage, the way the kernel's own header.S lays one out: one setup sector after the
 * boot sector, the setup header at 0x1f1 with "HdrS", and 32-bit code that the loader puts at
 * code32_start. It prints what the boot protocol handed it (boot_params in ESI) and exits 0.
 * No real-mode code: only a loader using the 32-bit entry can boot it.
 */
#include "devices/abi/exit_port.h"

#define SETUP_SECTS 1
#define BP_ALT_MEM_K 0x1e0
#define BP_E820_ENTRIES 0x1e8
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_CODE32_START 0x214
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21c
#define BP_CMD_LINE_PTR 0x228
#define BP_INIT_SIZE 0x260
#define BP_E820_TABLE 0x2d0

    .section .setup, "a"
    .org 0x1f1
    .byte SETUP_SECTS                 /* setup_sects */
    .word 0                           /* root_flags */
    .long 0                           /* syssize */
    .word 0, 0, 0                     /* ram_size, vid_mode, root_dev */
    .word 0xaa55                      /* boot_flag */
    .byte 0xeb, header_end - 1f       /* jump over the header, as header.S does */
1:
    .ascii "HdrS"
    .word 0x020f                      /* protocol 2.15, as Linux 6.1 */
    .long 0                           /* realmode_swtch */
    .word 0, 0                        /* start_sys_seg, kernel_version */
    .byte 0                           /* type_of_loader: the loader fills it */
    .byte 0x01                        /* loadflags: LOADED_HIGH */
    .word 0                           /* setup_move_size */
    .long 0x100000                    /* code32_start */
    .long 0, 0                        /* ramdisk_image, ramdisk_size: the loader fills them */
    .long 0                           /* bootsect_kludge */
    .word 0                           /* heap_end_ptr */
    .byte 0, 0                        /* ext_loader_ver, ext_loader_type */
    .long 0                           /* cmd_line_ptr */
    .long 0x7fffffff                  /* initrd_addr_max */
    .long 0x100000                    /* kernel_alignment */
    .byte 0, 0                        /* relocatable_kernel, min_alignment */
    .word 0                           /* xloadflags */
    .long 255                         /* cmdline_size */
    .long 0                           /* hardware_subarch */
    .quad 0                           /* hardware_subarch_data */
    .long 0, 0                        /* payload_offset, payload_length */
    .quad 0                           /* setup_data */
    .quad 0x100000                    /* pref_address */
    .long 0x200000                    /* init_size */
    .long 0, 0                        /* handover_offset, kernel_info_offset */
header_end:
    .org (SETUP_SECTS + 1) * 512

    .text
    .globl _start
_start:
    movl %esi, %ebx
    movl $stack_top, %esp
    call serial_init

    movl $s_esi, %esi
    call serial_puts
    movl %ebx, %eax
    call serial_put_hex32

    movl $s_loader, %esi
    call serial_puts
    movzbl BP_TYPE_OF_LOADER(%ebx), %eax
    call serial_put_hex32

    movl $s_code32, %esi
    call serial_puts
    movl BP_CODE32_START(%ebx), %eax
    call serial_put_hex32

    movl $s_init_size, %esi
    call serial_puts
    movl BP_INIT_SIZE(%ebx), %eax
    call serial_put_hex32

    movl $s_initrd, %esi
    call serial_puts
    movl BP_RAMDISK_IMAGE(%ebx), %eax
    call serial_put_hex32
    movl $s_size, %esi
    call serial_puts
    movl BP_RAMDISK_SIZE(%ebx), %eax
    call serial_put_hex32
    movl $s_first, %esi
    call serial_puts
    movl BP_RAMDISK_IMAGE(%ebx), %eax
    movl (%eax), %eax
    call serial_put_hex32

    movl $s_alt_mem, %esi
    call serial_puts
    movl BP_ALT_MEM_K(%ebx), %eax
    call serial_put_hex32

    /* Every E820 entry: base (low 32 bits), length (low 32 bits), type. */
    movl $s_e820, %esi
    call serial_puts
    movzbl BP_E820_ENTRIES(%ebx), %eax
    call serial_put_hex32
    movzbl BP_E820_ENTRIES(%ebx), %ebp
    leal BP_E820_TABLE(%ebx), %ecx
1:  testl %ebp, %ebp
    jz 2f
    pushl %ecx
    movl $s_space, %esi
    call serial_puts
    movl (%esp), %ecx
    movl (%ecx), %eax
    call serial_put_hex32
    movl $s_plus, %esi
    call serial_puts
    movl (%esp), %ecx
    movl 8(%ecx), %eax
    call serial_put_hex32
    movl $s_colon, %esi
    call serial_puts
    movl (%esp), %ecx
    movl 16(%ecx), %eax
    call serial_put_hex32
    popl %ecx
    addl $20, %ecx
    decl %ebp
    jmp 1b

2:  movl $s_cmdline, %esi
    call serial_puts
    movl BP_CMD_LINE_PTR(%ebx), %esi
    call serial_puts
    movl $s_end, %esi
    call serial_puts

    movl $EXIT_PORT, %edx
    xorl %eax, %eax
    outl %eax, %dx
3:  hlt
    jmp 3b

    .section .rodata
s_esi:       .asciz "bzimage-probe: esi="
s_loader:    .asciz " type_of_loader="
s_code32:    .asciz " code32_start="
s_init_size: .asciz " init_size="
s_initrd:    .asciz "\ninitrd="
s_size:      .asciz " size="
s_first:     .asciz " first="
s_alt_mem:   .asciz "\nalt_mem_k="
s_e820:      .asciz "\ne820="
s_space:     .asciz " "
s_plus:      .asciz "+"
s_colon:     .asciz ":"
s_cmdline:   .asciz "\ncmdline=["
s_end:       .asciz "]\n"

    .bss
    .balign 16
    .space 4096
stack_top:
