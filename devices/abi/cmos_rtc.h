/* The PC/AT's MC146818-style real-time clock and CMOS RAM behind ports 0x70/0x71 (Motorola MC146818A datasheet). */
#ifndef IA32EMU_ABI_CMOS_RTC_H
#define IA32EMU_ABI_CMOS_RTC_H

#define CMOS_INDEX_PORT 0x70    /* write: bit 7 disables NMI, bits 6:0 select a register */
#define CMOS_DATA_PORT 0x71
#define CMOS_NMI_DISABLE 0x80
#define RTC_IRQ 8

#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04          /* 12-hour mode: bit 7 is PM */
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06    /* 1 = Sunday */
#define RTC_DAY_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09           /* two digits; the century is CMOS_CENTURY */
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d

#define RTC_A_UIP 0x80          /* an update starts within 244 us */
#define RTC_A_DV_MASK 0x70      /* 010: 32.768 kHz time base, running */
#define RTC_A_DV_NORMAL 0x20
#define RTC_A_RS_MASK 0x0f      /* periodic rate: 32768 >> (RS - 1) Hz; RS 1, 2 as 8, 9 */

#define RTC_B_SET 0x80          /* updates stop while the guest sets the time */
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_B_DSE 0x01

#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10

#define RTC_D_VRT 0x80          /* the battery is good */
#define RTC_ALARM_DONT_CARE 0xc0 /* an alarm byte >= this matches every value */

/* CMOS RAM bytes a PC BIOS fills, as QEMU's pc machine does. */
#define CMOS_BASE_MEMORY_LO 0x15    /* KiB below 1 MiB: 640 */
#define CMOS_BASE_MEMORY_HI 0x16
#define CMOS_EXT_MEMORY_LO 0x17     /* KiB from 1 MiB, at most 65535 (also at 0x30/0x31) */
#define CMOS_EXT_MEMORY_HI 0x18
#define CMOS_EXT_MEMORY2_LO 0x30
#define CMOS_EXT_MEMORY2_HI 0x31
#define CMOS_CENTURY 0x32
#define CMOS_MEMORY_ABOVE_16M_LO 0x34 /* 64 KiB units from 16 MiB, at most 65535 */
#define CMOS_MEMORY_ABOVE_16M_HI 0x35

#endif
