/*
 * VGA text mode as a PC BIOS leaves it (mode 3, colour): an 80x25 buffer of {character, attribute}
 * byte pairs at physical 0xB8000, and the CRT controller behind an index port and a data port.
 */
#ifndef IA32EMU_ABI_VGA_H
#define IA32EMU_ABI_VGA_H

#define VGA_TEXT_BASE 0xB8000u
#define VGA_TEXT_SIZE 0x8000u   /* 0xB8000-0xBFFFF: eight 4000-byte pages of 80x25 */
#define VGA_TEXT_COLUMNS 80
#define VGA_TEXT_ROWS 25

#define VGA_MISC_OUTPUT_READ 0x3CC
#define VGA_CRTC_INDEX 0x3D4
#define VGA_CRTC_DATA 0x3D5
#define VGA_INPUT_STATUS_1 0x3DA

#define VGA_CRTC_CURSOR_START 0x0A   /* bit 5: cursor off; bits 4-0: first scan line */
#define VGA_CRTC_CURSOR_END 0x0B
#define VGA_CRTC_START_HIGH 0x0C     /* the visible page, in characters from VGA_TEXT_BASE */
#define VGA_CRTC_START_LOW 0x0D
#define VGA_CRTC_CURSOR_HIGH 0x0E    /* the cursor, in characters from VGA_TEXT_BASE */
#define VGA_CRTC_CURSOR_LOW 0x0F

#endif
