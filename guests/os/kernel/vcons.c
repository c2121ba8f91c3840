/* The virtio console driver: with `console=virtio` on the command line, kernel and user output
 * goes to the first virtio console instead of the SBI console, and its input comes in beside
 * the UART's. Output waits by polling the used ring (kprintf may run where no process can
 * sleep: the scheduler, an interrupt, a panic); input arrives by interrupt. */
#include "kernel.h"
#include "virtio.h"

#define RX_BUFFER 64 /* bytes per receive buffer; VIRTQ_SIZE of them */
#define SPIN_LIMIT 10000000u

static struct {
  int present, active;
  uint32_t base, irq;
  struct virtq rx, tx;
  uint8_t *page; /* receive buffers, then the transmit buffer */
} vc;

int vcons_present(void) { return vc.present; }

static void post(uint16_t i) {
  struct vbuf b = {vc.page + i * RX_BUFFER, RX_BUFFER, 1};
  virtq_add(&vc.rx, i, &b, 1);
}

void vcons_init(uint32_t base, uint32_t irq) {
  struct virtq queues[2];
  uint8_t *page = page_alloc_zero();
  if (!page || virtio_start(base, VIRTIO_ID_CONSOLE, 0, queues, 2) < 0) {
    kprintf("virtio-console at 0x%08x: cannot start\n", base);
    return;
  }
  vc.rx = queues[0];
  vc.tx = queues[1];
  vc.base = base;
  vc.irq = irq;
  vc.page = page;
  for (uint16_t i = 0; i < vc.rx.num; i++) post(i);
  virtq_kick(&vc.rx);
  vc.present = 1;
  arch_irq_enable(irq);
}

/* Makes the virtio console the kernel's console. */
void vcons_activate(void) {
  if (!vc.present) return;
  kprintf("console: virtio-console at 0x%08x irq %u\n", vc.base, vc.irq);
  vc.active = 1;
}

int vcons_active(void) { return vc.active; }

void vcons_write(const char *buf, size_t len) {
  uint8_t *tx = vc.page + VIRTQ_SIZE * RX_BUFFER;
  size_t room = PAGE_SIZE - VIRTQ_SIZE * RX_BUFFER;
  while (len > 0) {
    size_t n = len < room ? len : room;
    memcpy(tx, buf, n);
    struct vbuf b = {tx, (uint32_t)n, 0};
    virtq_submit(&vc.tx, &b, 1);
    for (uint32_t spin = 0; !virtq_take(&vc.tx, NULL, NULL); spin++)
      if (spin == SPIN_LIMIT || virtio_broken(vc.base)) {
        vc.active = 0; /* the device is gone: back to the SBI console */
        arch_console_write(buf, len);
        return;
      }
    buf += n;
    len -= n;
  }
}

void vcons_interrupt(uint32_t irq) {
  if (!vc.present || irq != vc.irq) return;
  virtio_ack(vc.base);
  uint16_t head;
  uint32_t len;
  int taken = 0;
  while (virtq_take(&vc.rx, &head, &len)) {
    if (head >= vc.rx.num) continue;
    for (uint32_t i = 0; i < len && i < RX_BUFFER; i++)
      if (kernel_console_rx_room() > 0) kernel_console_rx(vc.page[head * RX_BUFFER + i]);
    post(head);
    taken = 1;
  }
  if (taken) virtq_kick(&vc.rx);
}
