/* QEMU `virt` board memory map and the test finisher protocol, as Trapeze models it.
 * Usable from C and from assembly (.S) files. */
#ifndef GUESTS_COMMON_VIRT_H
#define GUESTS_COMMON_VIRT_H

#define VIRT_TEST_BASE   0x00100000 /* sifive_test finisher: one 32-bit register */
#define VIRT_RTC_BASE    0x00101000 /* goldfish RTC */
#define VIRT_CLINT_BASE  0x02000000 /* core-local interruptor */
#define VIRT_PLIC_BASE   0x0c000000 /* platform-level interrupt controller */
#define VIRT_UART0_BASE  0x10000000 /* 16550A, PLIC source 10 */
#define VIRT_UART0_IRQ   10
#define VIRT_VIRTIO_BASE 0x10001000 /* virtio-mmio slot i at BASE + i * 0x1000, IRQ 1 + i */
#define VIRT_RAM_BASE    0x80000000

/* CLINT registers (hart 0). mtime ticks at 10 MHz; mtimecmp/mtime are 64-bit, little-endian. */
#define CLINT_MSIP       (VIRT_CLINT_BASE + 0x0000)
#define CLINT_MTIMECMP   (VIRT_CLINT_BASE + 0x4000)
#define CLINT_MTIME      (VIRT_CLINT_BASE + 0xbff8)
#define VIRT_TIMEBASE_HZ 10000000

/* Test finisher values: pass, fail with a code (1..0xffff), reset. */
#define FINISHER_PASS      0x5555
#define FINISHER_FAIL(code) ((((code) & 0xffff) << 16) | 0x3333)
#define FINISHER_RESET     0x7777

#endif
