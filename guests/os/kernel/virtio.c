/* The virtio-mmio transport and split virtqueues (see virtio.h), and the probe that finds the
 * devices the device tree lists. */
#include "virtio.h"

#include "../../common/mmio.h"
#include "kernel.h"

#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEVICE_FEATURES 0x010
#define R_DEVICE_FEATURES_SEL 0x014
#define R_DRIVER_FEATURES 0x020
#define R_DRIVER_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INTERRUPT_STATUS 0x060
#define R_INTERRUPT_ACK 0x064
#define R_STATUS 0x070
#define R_QUEUE_DESC_LOW 0x080
#define R_QUEUE_DESC_HIGH 0x084
#define R_QUEUE_DRIVER_LOW 0x090
#define R_QUEUE_DRIVER_HIGH 0x094
#define R_QUEUE_DEVICE_LOW 0x0a0
#define R_QUEUE_DEVICE_HIGH 0x0a4
#define R_CONFIG 0x100

#define S_ACKNOWLEDGE 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40
#define S_FAILED 0x80

#define DESC_F_NEXT 1
#define DESC_F_WRITE 2


struct vq_desc {
  uint32_t addr, addr_high, len;
  uint16_t flags, next;
};
struct vq_avail {
  uint16_t flags, idx, ring[VIRTQ_SIZE];
};
struct vq_used {
  uint16_t flags, idx;
  struct {
    uint32_t id, len;
  } ring[VIRTQ_SIZE];
};

/* Orders ring stores against the device (and the notification store). */
static inline void barrier(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }

static void reg(uint32_t base, uint32_t offset, uint32_t value) { mmio_write32(base + offset, value); }
static uint32_t get(uint32_t base, uint32_t offset) { return mmio_read32(base + offset); }

static int setup_queue(struct virtq *q, uint32_t base, uint16_t index) {
  reg(base, R_QUEUE_SEL, index);
  uint32_t max = get(base, R_QUEUE_NUM_MAX);
  if (max == 0 || get(base, R_QUEUE_READY)) return -1;
  uint8_t *page = page_alloc_zero();
  if (!page) return -1;
  q->base = base;
  q->index = index;
  q->num = max < VIRTQ_SIZE ? (uint16_t)max : VIRTQ_SIZE;
  q->last_used = 0;
  q->desc = (volatile struct vq_desc *)page;
  q->avail = (volatile struct vq_avail *)(page + 16 * VIRTQ_SIZE);
  q->used = (volatile struct vq_used *)(page + 1024);
  reg(base, R_QUEUE_NUM, q->num);
  reg(base, R_QUEUE_DESC_LOW, (uint32_t)q->desc);
  reg(base, R_QUEUE_DESC_HIGH, 0);
  reg(base, R_QUEUE_DRIVER_LOW, (uint32_t)q->avail);
  reg(base, R_QUEUE_DRIVER_HIGH, 0);
  reg(base, R_QUEUE_DEVICE_LOW, (uint32_t)q->used);
  reg(base, R_QUEUE_DEVICE_HIGH, 0);
  reg(base, R_QUEUE_READY, 1);
  return 0;
}

int virtio_start(uint32_t base, uint32_t id, uint32_t features, struct virtq *queues, int nq) {
  if (get(base, R_MAGIC) != 0x74726976 || get(base, R_VERSION) != 2 ||
      get(base, R_DEVICE_ID) != id)
    return -1;
  reg(base, R_STATUS, 0);
  reg(base, R_STATUS, S_ACKNOWLEDGE);
  reg(base, R_STATUS, S_ACKNOWLEDGE | S_DRIVER);
  reg(base, R_DEVICE_FEATURES_SEL, 1);
  uint32_t high = get(base, R_DEVICE_FEATURES);
  reg(base, R_DEVICE_FEATURES_SEL, 0);
  uint32_t low = get(base, R_DEVICE_FEATURES);
  if (!(high & 1)) goto fail; /* VIRTIO_F_VERSION_1 (bit 32) */
  reg(base, R_DRIVER_FEATURES_SEL, 0);
  reg(base, R_DRIVER_FEATURES, low & features);
  reg(base, R_DRIVER_FEATURES_SEL, 1);
  reg(base, R_DRIVER_FEATURES, 1);
  reg(base, R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
  if (!(get(base, R_STATUS) & S_FEATURES_OK)) goto fail;
  for (int i = 0; i < nq; i++)
    if (setup_queue(&queues[i], base, (uint16_t)i) < 0) goto fail;
  reg(base, R_STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
  return 0;
fail:
  reg(base, R_STATUS, S_FAILED);
  return -1;
}

uint32_t virtio_config32(uint32_t base, uint32_t offset) { return get(base, R_CONFIG + offset); }

uint8_t virtio_config8(uint32_t base, uint32_t offset) { return mmio_read8(base + R_CONFIG + offset); }

void virtq_add(struct virtq *q, uint16_t head, const struct vbuf *bufs, int n) {
  for (int i = 0; i < n; i++) {
    volatile struct vq_desc *d = &q->desc[head + i];
    d->addr = (uint32_t)bufs[i].addr;
    d->addr_high = 0;
    d->len = bufs[i].len;
    d->flags = (uint16_t)((bufs[i].writable ? DESC_F_WRITE : 0) | (i + 1 < n ? DESC_F_NEXT : 0));
    d->next = (uint16_t)(head + i + 1);
  }
  uint16_t idx = q->avail->idx;
  q->avail->ring[idx % q->num] = head;
  barrier();
  q->avail->idx = (uint16_t)(idx + 1);
}

void virtq_kick(struct virtq *q) {
  barrier();
  reg(q->base, R_QUEUE_NOTIFY, q->index);
}

void virtq_submit(struct virtq *q, const struct vbuf *bufs, int n) {
  virtq_add(q, 0, bufs, n);
  virtq_kick(q);
}

int virtq_take(struct virtq *q, uint16_t *head, uint32_t *len) {
  barrier();
  if (q->used->idx == q->last_used) return 0;
  uint16_t slot = q->last_used % q->num;
  if (head) *head = (uint16_t)q->used->ring[slot].id;
  if (len) *len = q->used->ring[slot].len;
  q->last_used++;
  return 1;
}

uint32_t virtio_ack(uint32_t base) {
  if (arch_irq_acked()) return 0; /* done before the upcall (the PV hypervisor does it) */
  uint32_t bits = get(base, R_INTERRUPT_STATUS);
  reg(base, R_INTERRUPT_ACK, bits);
  return bits;
}

int virtio_broken(uint32_t base) { return (get(base, R_STATUS) & S_NEEDS_RESET) != 0; }

/* Finds the devices the device tree lists and starts the drivers the kernel has. */
void virtio_init(const struct fdt_info *dt) {
  for (uint32_t i = 0; i < dt->virtio_count; i++) {
    const struct fdt_virtio *v = &dt->virtio[i];
    if (v->irq == 0 || v->irq > 31 || get(v->base, R_MAGIC) != 0x74726976) continue;
    uint32_t id = get(v->base, R_DEVICE_ID);
    if (id == VIRTIO_ID_BLOCK && !blk_present()) blk_init(v->base, v->irq);
    if (id == VIRTIO_ID_NET && !net_present()) net_init(v->base, v->irq);
    if (id == VIRTIO_ID_CONSOLE && !vcons_present()) vcons_init(v->base, v->irq);
  }
}

void kernel_device_interrupt(uint32_t irq) {
  blk_interrupt(irq);
  net_interrupt(irq);
  vcons_interrupt(irq);
}
