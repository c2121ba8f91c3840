/* Internal interface of the M-mode firmware (see README.md for what it does). */
#ifndef GUESTS_FIRMWARE_FW_H
#define GUESTS_FIRMWARE_FW_H

#include <stdint.h>

#include "../common/regs.h"
#include "../common/sbi.h"

/* The firmware owns [FW_BASE, FW_END); the S-mode payload is entered where link.ld placed it
 * (_payload_start: FW_END, or the start of RAM + the text_offset of a Linux image's header). */
#define FW_BASE 0x80000000u
#define FW_SIZE 0x00200000u
#define FW_END (FW_BASE + FW_SIZE)

/* The payload (payload.S): where it starts and ends. */
extern const char _payload_start[], _payload_end[];

/* Version reported by sbi_get_impl_version: (major << 16) | minor. */
#define FW_VERSION_MAJOR 0
#define FW_VERSION_MINOR 1

/* Finisher failure codes: SRST "system failure" shutdowns, and firmware panics. */
#define FW_EXIT_SYSTEM_FAILURE 1
#define FW_EXIT_PANIC 2

/* RAM size assumed when the device tree cannot be read (QEMU's default -m 128M). */
#define FW_DEFAULT_RAM_SIZE 0x08000000u

/* Registers saved by trap_entry (entry.S): x[i] is register xi (REG_* in common/regs.h);
 * x[0] is unused. */
struct trap_frame {
  unsigned long x[32];
};

/* End of RAM (exclusive) as found in the device tree; 64-bit so 0x1_0000_0000 fits. */
extern uint64_t fw_ram_end;

/* entry.S */
void enter_supervisor(unsigned long hartid, unsigned long dtb) __attribute__((noreturn));

/* reserve.c: adds to the device tree at `dtb` a /reserved-memory child `no-map` covering
 * [base, base + size) (and the /reserved-memory node itself if there is none), moving the
 * strings block up; the tree may grow to `room` bytes. Returns 0, or -1 with the tree
 * unchanged if it is malformed, laid out unusually (strings block not last) or out of room. */
int fw_reserve_in_fdt(uintptr_t dtb, uint32_t base, uint32_t size, uint32_t room);

/* main.c */
void fw_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_finish(uint32_t finisher_value) __attribute__((noreturn));

/* sbi.c: handles an ECALL from S-mode; updates a0/a1 in the frame (mepc is advanced by the
 * caller). */
void sbi_handle_ecall(struct trap_frame *f);

#endif
