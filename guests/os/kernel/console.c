/* Console: formatted kernel output, and line-buffered input for read(0).
 *
 * Output goes to the SBI console, or with `console=virtio` to the virtio console (vcons.c).
 * Input bytes arrive from the UART receive interrupt (arch layer), and from the virtio console
 * when there is one, into a raw ring buffer.
 * Echo and line editing happen when a reader CONSUMES the bytes, not when they arrive: that way
 * the console transcript does not depend on when the host delivered the input (scripted input
 * that arrives early is echoed after the prompt, exactly as if it had been typed). */
#include "kernel.h"

void console_write(const char *buf, size_t len) {
  if (vcons_active()) vcons_write(buf, len);
  else arch_console_write(buf, len);
}

static void console_out(void *ctx, const char *buf, size_t len) {
  (void)ctx;
  console_write(buf, len);
}

void kprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fmt_vwrite(console_out, 0, fmt, ap);
  va_end(ap);
}

#define RX_SIZE 256
static uint8_t rx[RX_SIZE];
static uint32_t rx_head, rx_tail; /* free-running; rx_head - rx_tail bytes are buffered */
static int rx_paused;             /* the arch layer stopped receive interrupts: buffer was full */

int kernel_console_rx_room(void) {
  int room = RX_SIZE - (int)(rx_head - rx_tail);
  if (room == 0) rx_paused = 1;
  return room;
}

void kernel_console_rx(int c) {
  rx[rx_head++ % RX_SIZE] = (uint8_t)c;
  proc_wakeup(rx);
}

#define LINE_MAX 128
static char line[LINE_MAX];
static uint32_t line_len;
static int line_done, last_was_cr;

/* Process one input byte into the line buffer: echo, backspace, CR/LF folding. */
static void line_input(char c) {
  if (c == '\n' && last_was_cr) { /* CR LF counts as one end of line */
    last_was_cr = 0;
    return;
  }
  last_was_cr = c == '\r';
  if (c == '\r') c = '\n';
  if (c == 0x7f || c == '\b') {
    if (line_len > 0) {
      line_len--;
      console_write("\b \b", 3);
    }
    return;
  }
  if (c == 0x04) { /* ^D: end of file on an empty line, else end the line */
    line_done = 1;
    return;
  }
  if ((uint8_t)c < 0x20 && c != '\n' && c != '\t') return;
  line[line_len++] = c;
  console_write(&c, 1);
  if (c == '\n' || line_len == LINE_MAX) line_done = 1;
}

int console_read(uint32_t ubuf, uint32_t len) {
  /* Check the buffer before consuming (and echoing) any input: a bad pointer must not eat a
   * line that belongs to the next reader. */
  if (len > LINE_MAX) len = LINE_MAX; /* a line never exceeds LINE_MAX bytes */
  if (vm_user_ok(cur, ubuf, len, 1) < 0) return -1;
  while (!line_done) {
    if (rx_head == rx_tail) {
      proc_sleep_on(rx);
      continue;
    }
    line_input((char)rx[rx_tail++ % RX_SIZE]);
    if (rx_paused) {
      rx_paused = 0;
      arch_console_rx_enable(1);
    }
  }
  uint32_t n = len < line_len ? len : line_len;
  if (copyout(cur, ubuf, line, n) < 0) return -1;
  memmove(line, line + n, line_len - n);
  line_len -= n;
  if (line_len == 0) line_done = 0;
  return (int)n;
}
