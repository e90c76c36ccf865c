/* Hostile: code in the last bytes of the 32-bit address space. Paging maps the top page to a RAM
   page whose last 16 bytes spin in a block that ends 2 bytes short of 4 GiB, so the host's
   per-block fetch walk must not wrap its address. Never exits: only the limits end it. */
#define PG_PRESENT_RW 0x003
#define PG_4M_PRESENT_RW 0x083
#define CR4_PSE 0x10
#define CR0_PG 0x80000000

    .text
    .globl _start
    .type _start, @function
_start:
    cli
    movl $stack_top, %esp
    call serial_init
    movl $announce, %esi
    call serial_puts
    /* The spinning block: 12 nops, then `jmp` back to the first of them, then 2 spare bytes. */
    movl $code_page + 0xff0, %edi
    movl $12, %ecx
    movb $0x90, %al
    rep stosb
    movw $0xf2eb, (%edi)
    movl $PG_4M_PRESENT_RW, page_directory
    movl $top_table, %eax
    orl $PG_PRESENT_RW, %eax
    movl %eax, page_directory + 4092
    movl $code_page, %eax
    orl $PG_PRESENT_RW, %eax
    movl %eax, top_table + 4092
    movl %cr4, %eax
    orl $CR4_PSE, %eax
    movl %eax, %cr4
    movl $page_directory, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $CR0_PG, %eax
    movl %eax, %cr0
    movl $0xfffffff0, %eax
    jmp *%eax
    .size _start, . - _start

    .section .rodata
announce:
    .asciz "top_of_memory: spinning in the last 16 bytes of the address space\n"

    .bss
    .balign 4096
page_directory:
    .space 4096
top_table:
    .space 4096
code_page:
    .space 4096
    .space 4096
stack_top:
