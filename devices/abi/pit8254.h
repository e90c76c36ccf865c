/* The PC's 8254 interval timer and system control port B, as guests program them. */
#ifndef IA32EMU_ABI_PIT8254_H
#define IA32EMU_ABI_PIT8254_H

#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_MODE 0x43
#define PIT_HZ 1193182 /* 14.31818 MHz / 12 */

#define PIT_SEL_CHANNEL0 0x00
#define PIT_SEL_CHANNEL2 0x80
#define PIT_READ_BACK 0xC0
#define PIT_ACCESS_LATCH 0x00
#define PIT_ACCESS_LSB 0x10
#define PIT_ACCESS_MSB 0x20
#define PIT_ACCESS_WORD 0x30
#define PIT_MODE0 0x00 /* interrupt on terminal count */
#define PIT_MODE2 0x04 /* rate generator */
#define PIT_MODE3 0x06 /* square wave */

#define SYSTEM_PORT_B 0x61
#define PORT_B_GATE2 0x01    /* channel 2 gate */
#define PORT_B_SPEAKER 0x02  /* speaker data enable */
#define PORT_B_REFRESH 0x10  /* toggles every 15.085 us */
#define PORT_B_OUT2 0x20     /* channel 2 output */

#define PIT_IRQ 0

#endif
