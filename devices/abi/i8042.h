/* The PC/AT keyboard controller (Intel 8042 as the IBM AT BIOS and QEMU's pckbd program it) and the POST port. */
#ifndef IA32EMU_ABI_I8042_H
#define IA32EMU_ABI_I8042_H

#define I8042_DATA_PORT 0x60
#define I8042_STATUS_PORT 0x64  /* read: status; write: controller command */
#define I8042_KBD_IRQ 1
#define I8042_AUX_IRQ 12

#define I8042_STR_OBF 0x01      /* a byte waits in the output buffer (port 0x60) */
#define I8042_STR_IBF 0x02      /* the controller has not taken the last write yet */
#define I8042_STR_SYSFLAG 0x04  /* set by a passed self-test */
#define I8042_STR_CMDDAT 0x08   /* the last write went to port 0x64 */
#define I8042_STR_KEYLOCK 0x10  /* 1: keyboard not inhibited */
#define I8042_STR_AUXDATA 0x20  /* the waiting byte is from the auxiliary (mouse) port */

#define I8042_CMD_READ_CTR 0x20
#define I8042_CMD_WRITE_CTR 0x60
#define I8042_CMD_AUX_DISABLE 0xa7
#define I8042_CMD_AUX_ENABLE 0xa8
#define I8042_CMD_AUX_TEST 0xa9
#define I8042_CMD_SELF_TEST 0xaa
#define I8042_CMD_KBD_TEST 0xab
#define I8042_CMD_KBD_DISABLE 0xad
#define I8042_CMD_KBD_ENABLE 0xae
#define I8042_CMD_READ_INPUT 0xc0
#define I8042_CMD_READ_OUTPUT 0xd0
#define I8042_CMD_WRITE_OUTPUT 0xd1
#define I8042_CMD_KBD_LOOP 0xd2     /* the next data byte comes back as keyboard data */
#define I8042_CMD_AUX_LOOP 0xd3     /* ... as auxiliary data */
#define I8042_CMD_AUX_SEND 0xd4
#define I8042_CMD_DISABLE_A20 0xdd
#define I8042_CMD_ENABLE_A20 0xdf
#define I8042_CMD_PULSE_RESET 0xfe   /* pulse output-port bit 0 (the CPU reset line) low */

#define I8042_SELF_TEST_PASSED 0x55

#define I8042_CTR_KBDINT 0x01   /* keyboard data raises IRQ1 */
#define I8042_CTR_AUXINT 0x02   /* auxiliary data raises IRQ12 */
#define I8042_CTR_SYSFLAG 0x04
#define I8042_CTR_KBDDIS 0x10
#define I8042_CTR_AUXDIS 0x20
#define I8042_CTR_XLATE 0x40

#define POST_CODE_PORT 0x80     /* writes are diagnostic codes; on a PC also the I/O delay of outb_p */

#endif
