/* The assembly half of an OSDev "Bare Bones" kernel: a Multiboot header, a stack, a call into C.
 * It sits first in .text because the kernel is linked with plain `ld -Ttext 0x100000`. */
#define MB_HEADER_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003

    .text
    .balign 4
    .long MB_HEADER_MAGIC
    .long MB_FLAGS
    .long -(MB_HEADER_MAGIC + MB_FLAGS)

    .globl _start
    .type _start, @function
_start:
    movl $stack_top, %esp
    pushl %ebx
    pushl %eax
    call kernel_main
    cli
1:  hlt
    jmp 1b
    .size _start, . - _start

    .bss
    .balign 16
stack_bottom:
    .space 16384
stack_top:
