/* 16550A UART register map (byte-spaced, as on QEMU's virt board) and tiny polled helpers.
 * The constants are usable from assembly; the helpers are C only. */
#ifndef GUESTS_COMMON_UART_H
#define GUESTS_COMMON_UART_H

#include "virt.h"

#define UART_THR 0 /* transmit holding (write) */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_DLL 0 /* divisor latch low (LCR.DLAB = 1) */
#define UART_IER 1 /* interrupt enable */
#define UART_DLM 1 /* divisor latch high (LCR.DLAB = 1) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_MSR 6 /* modem status */
#define UART_SCR 7 /* scratch */

#define UART_IER_RDI  0x01 /* receive data available interrupt */
#define UART_IER_THRI 0x02 /* transmit holding register empty interrupt */
#define UART_FCR_ENABLE   0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_LCR_8N1  0x03
#define UART_LCR_DLAB 0x80
#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT2 0x08 /* gates the interrupt line on PC-style boards */
#define UART_LSR_DR   0x01 /* a received byte is waiting in RBR */
#define UART_LSR_THRE 0x20 /* THR (or the TX FIFO) can take a byte */
#define UART_LSR_TEMT 0x40 /* transmitter completely idle */

/* The input clock the virt device tree declares (clock-frequency), for divisor computation. */
#define UART_CLOCK_HZ 3686400

#ifndef __ASSEMBLER__
#include "mmio.h"

/* Blocking transmit of one byte on the UART at `base`. */
static inline void uart_putc_at(uintptr_t base, char c) {
  while ((mmio_read8(base + UART_LSR) & UART_LSR_THRE) == 0) {
  }
  mmio_write8(base + UART_THR, (uint8_t)c);
}

/* Non-blocking receive: the next byte, or -1 when none is waiting. */
static inline int uart_getc_at(uintptr_t base) {
  if ((mmio_read8(base + UART_LSR) & UART_LSR_DR) == 0) return -1;
  return mmio_read8(base + UART_RBR);
}

static inline void uart_putc(char c) { uart_putc_at(VIRT_UART0_BASE, c); }
static inline int uart_getc(void) { return uart_getc_at(VIRT_UART0_BASE); }

/* uart_putc in the shape of a fmt_putc_fn (fmt.h): fmt_print(uart_fmt_putc, 0, ...). */
static inline void uart_fmt_putc(void *ctx, char c) {
  (void)ctx;
  uart_putc(c);
}
#endif

#endif
