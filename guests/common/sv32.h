/* The Sv32 page-table format (privileged spec 1.12, 4.3): PTE bits, page sizes, and the
 * conversions between physical addresses, PTEs and virtual page numbers. C only. Used by the
 * OS (arch/arch.h) and by the bare program that runs under translation (bare/sv32.c); the
 * satp mode bit is SATP_MODE_SV32 in riscv.h. */
#ifndef GUESTS_COMMON_SV32_H
#define GUESTS_COMMON_SV32_H

#include <stdint.h>

typedef uint32_t pte_t;
#define PTE_V (1u << 0)
#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)
#define PTE_LEAF_MASK (PTE_R | PTE_W | PTE_X)
#define PAGE_SIZE 4096u
#define MEGAPAGE_SIZE 0x400000u
#define PTE_FROM_PA(pa) (((uint32_t)(pa) >> 12) << 10)
#define PTE_TO_PA(pte) (((uint32_t)(pte) >> 10) << 12)
#define VPN1(va) ((uint32_t)(va) >> 22)
#define VPN0(va) (((uint32_t)(va) >> 12) & 0x3ff)

#endif
