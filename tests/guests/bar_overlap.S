/* Hostile: moves edu's BAR0 onto the bochs-display framebuffer (BAR0 of slot 2), where it covers
   the framebuffer's first MiB, then moves it back. Exit codes say what the CPU saw:
   0 the overlap reached edu (the BAR decoded last) and afterwards the framebuffer again. */
#include "tests/guests/hostile_guest.h"
#include "devices/abi/edu.h"
#include "devices/abi/exit_port.h"
#include "devices/abi/pci.h"

#define DISPLAY_SLOT 2
#define EDU_SLOT 3
#define CONFIG(slot, reg) (0x80000000 | ((slot) << 11) | (reg))
#define FB_MARK 0x5a5a1234
#define EXIT_EDU_NOT_SEEN 1
#define EXIT_FB_NOT_BACK 2

    HOSTILE_START announce
    movl $CONFIG(DISPLAY_SLOT, PCI_BAR0), %eax
    call config_read
    andl $0xfffffff0, %eax
    movl %eax, %ebx                     /* framebuffer base */
    movl $FB_MARK, (%ebx)
    movl $CONFIG(EDU_SLOT, PCI_BAR0), %eax
    call config_read
    movl %eax, %ebp                     /* edu's own BAR0 */
    movl $CONFIG(EDU_SLOT, PCI_BAR0), %eax
    movl %ebx, %ecx
    call config_write
    movl EDU_IDENT(%ebx), %eax
    cmpl $EDU_IDENT_VALUE, %eax
    movl $EXIT_EDU_NOT_SEEN, %ecx
    jne leave
    movl $CONFIG(EDU_SLOT, PCI_BAR0), %eax
    movl %ebp, %ecx
    call config_write
    cmpl $FB_MARK, (%ebx)
    movl $EXIT_FB_NOT_BACK, %ecx
    jne leave
    xorl %ecx, %ecx
leave:
    movl %ecx, %eax
    movw $EXIT_PORT, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b
    .size _start, . - _start

/* config_read(EAX = address) -> EAX; config_write(EAX = address, ECX = value). Clobber EDX. */
config_read:
    movw $PCI_CONFIG_ADDRESS, %dx
    outl %eax, %dx
    movw $PCI_CONFIG_DATA, %dx
    inl %dx, %eax
    ret
config_write:
    movw $PCI_CONFIG_ADDRESS, %dx
    outl %eax, %dx
    movw $PCI_CONFIG_DATA, %dx
    movl %ecx, %eax
    outl %eax, %dx
    ret

    .section .rodata
announce:
    .asciz "bar_overlap: edu BAR0 onto the framebuffer and back\n"

    HOSTILE_STACK
