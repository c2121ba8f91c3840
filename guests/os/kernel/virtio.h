/* The virtio-mmio transport (version 2, VIRTIO 1.2 §4.2) and split virtqueues as the kernel's
 * drivers use them: one request in flight per queue, descriptors reused from 0 on. */
#ifndef OS_KERNEL_VIRTIO_H
#define OS_KERNEL_VIRTIO_H
#include <stdint.h>

#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG     4

/* Entries of each queue the kernel sets up (fewer if the device offers fewer). */
#define VIRTQ_SIZE 8

/* A buffer of a request: `len` bytes at kernel (= physical) address `addr`, device-writable
 * or not. */
struct vbuf {
  const void *addr;
  uint32_t len;
  int writable;
};

/* One split virtqueue: its rings live in one kernel page. */
struct virtq {
  uint32_t base; /* the device's register window */
  uint16_t index, num, last_used;
  volatile struct vq_desc *desc;
  volatile struct vq_avail *avail;
  volatile struct vq_used *used;
};

/* Resets the device at `base`, negotiates VIRTIO_F_VERSION_1 and the device features in
 * `features` (those it offers), and sets up `nq` queues of at most 8 entries. Returns 0, or -1
 * (the device is left failed) when it is not a modern device of type `id` or refuses. */
int virtio_start(uint32_t base, uint32_t id, uint32_t features, struct virtq *queues, int nq);
/* The device's configuration space, byte `offset`, as a 32-bit or 8-bit read. */
uint32_t virtio_config32(uint32_t base, uint32_t offset);
uint8_t virtio_config8(uint32_t base, uint32_t offset);
/* Writes `bufs` as one chain in descriptors head…head+n-1 and makes it available (the device
 * hears of it at the next virtq_kick). */
void virtq_add(struct virtq *q, uint16_t head, const struct vbuf *bufs, int n);
/* Notifies the device of the chains added. */
void virtq_kick(struct virtq *q);
/* virtq_add from descriptor 0, then virtq_kick: one request in flight. */
void virtq_submit(struct virtq *q, const struct vbuf *bufs, int n);
/* Takes the next chain the device returned: 1 with its head and used length (either pointer
 * may be NULL), or 0 when there is none. */
int virtq_take(struct virtq *q, uint16_t *head, uint32_t *len);

/* Acknowledges the device's interrupt; returns the InterruptStatus bits it had (0 when the arch
 * layer acknowledged it already: arch_irq_acked). */
uint32_t virtio_ack(uint32_t base);
/* The device's status register has DEVICE_NEEDS_RESET set. */
int virtio_broken(uint32_t base);

/* blk.c */
void blk_init(uint32_t base, uint32_t irq);
int blk_present(void);
void blk_interrupt(uint32_t irq);

/* vcons.c */
void vcons_init(uint32_t base, uint32_t irq);
int vcons_present(void);
void vcons_interrupt(uint32_t irq);

/* net.c */
void net_init(uint32_t base, uint32_t irq);
int net_present(void);
void net_interrupt(uint32_t irq);

#endif
