/* The virtio network driver: one device, VIRTQ_SIZE receive buffers always available, one
 * frame sent at a time; a process waiting for a frame (or for its frame to go out) sleeps
 * until the device's interrupt. User programs reach it through SYS_net. No offloads: each frame
 * follows a 12-byte virtio_net_hdr of zeros. */
#include "kernel.h"
#include "virtio.h"

#define NET_F_MAC (1u << 5)
#define HEADER 12
#define MAX_FRAME 1514
#define BUFFER 2048 /* a receive buffer: header and the largest frame, two per page */

static struct {
  int present;
  uint32_t base, irq;
  uint8_t mac[6];
  struct virtq rx, tx;
  uint8_t *rx_buffer[VIRTQ_SIZE];
  uint8_t *tx_buffer;
} net;

int net_present(void) { return net.present; }

/* Makes receive buffer `i` available again (without notifying). */
static void post(uint16_t i) {
  struct vbuf b = {net.rx_buffer[i], BUFFER, 1};
  virtq_add(&net.rx, i, &b, 1);
}

void net_init(uint32_t base, uint32_t irq) {
  struct virtq queues[2];
  uint8_t *pages[VIRTQ_SIZE / 2 + 1];
  for (int i = 0; i < VIRTQ_SIZE / 2 + 1; i++)
    if (!(pages[i] = page_alloc_zero())) return;
  if (virtio_start(base, VIRTIO_ID_NET, NET_F_MAC, queues, 2) < 0) {
    kprintf("virtio-net at 0x%08x: cannot start\n", base);
    return;
  }
  net.rx = queues[0];
  net.tx = queues[1];
  net.base = base;
  net.irq = irq;
  for (int i = 0; i < 6; i++) net.mac[i] = virtio_config8(base, (uint32_t)i);
  for (uint16_t i = 0; i < net.rx.num; i++) {
    net.rx_buffer[i] = pages[i / 2] + (i % 2) * BUFFER;
    post(i);
  }
  net.tx_buffer = pages[VIRTQ_SIZE / 2];
  virtq_kick(&net.rx);
  net.present = 1;
  arch_irq_enable(irq);
  kprintf("virtio-net at 0x%08x irq %u: mac %02x:%02x:%02x:%02x:%02x:%02x\n", base, irq, net.mac[0],
          net.mac[1], net.mac[2], net.mac[3], net.mac[4], net.mac[5]);
}

void net_interrupt(uint32_t irq) {
  if (!net.present || irq != net.irq) return;
  virtio_ack(net.base);
  proc_wakeup(&net);
}

/* Sends the frame in user memory [ubuf, ubuf+len). */
static int send(uint32_t ubuf, uint32_t len) {
  if (len < 14 || len > MAX_FRAME || vm_user_ok(cur, ubuf, len, 0) < 0) return -1;
  memset(net.tx_buffer, 0, HEADER);
  copyin(cur, net.tx_buffer + HEADER, ubuf, len);
  struct vbuf b = {net.tx_buffer, HEADER + len, 0};
  virtq_submit(&net.tx, &b, 1);
  while (!virtq_take(&net.tx, NULL, NULL)) {
    if (virtio_broken(net.base)) return -1;
    proc_sleep_on(&net);
  }
  return (int)len;
}

/* Waits for a frame and copies up to `len` bytes of it to user memory; returns its length. */
static int receive(uint32_t ubuf, uint32_t len) {
  if (vm_user_ok(cur, ubuf, len, 1) < 0) return -1;
  uint16_t head;
  uint32_t used;
  while (!virtq_take(&net.rx, &head, &used)) {
    if (virtio_broken(net.base)) return -1;
    proc_sleep_on(&net);
  }
  if (head >= net.rx.num) return -1;
  uint32_t frame = used > HEADER ? used - HEADER : 0;
  if (frame > MAX_FRAME) frame = MAX_FRAME;
  copyout(cur, ubuf, net.rx_buffer[head] + HEADER, frame < len ? frame : len);
  post(head);
  virtq_kick(&net.rx);
  return (int)frame;
}

int sys_net(uint32_t op, uint32_t ubuf, uint32_t len) {
  if (!net.present) return -1;
  switch (op) {
    case NET_MAC:
      if (len < 6 || vm_user_ok(cur, ubuf, 6, 1) < 0) return -1;
      copyout(cur, ubuf, net.mac, 6);
      return 0;
    case NET_SEND: return send(ubuf, len);
    case NET_RECV: return receive(ubuf, len);
    default: return -1;
  }
}
