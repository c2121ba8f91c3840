/* The virtio block driver: one disk, one request at a time, the process sleeping until the
 * device's interrupt says the request is done. User programs reach it through SYS_blk. */
#include "kernel.h"
#include "virtio.h"

#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_T_FLUSH 4
#define BLK_T_GET_ID 8
#define BLK_F_RO (1u << 5)
#define BLK_F_FLUSH (1u << 9)
#define SECTOR 512u

struct blk_header {
  uint32_t type, reserved;
  uint32_t sector_low, sector_high;
};

static struct {
  int present;
  uint32_t base, irq;
  uint32_t sectors; /* capacity, saturated to 32 bits */
  struct virtq queue;
  struct blk_header *header; /* these three in one kernel page the device reaches */
  uint8_t *status;
  uint8_t *bounce;           /* a page: the data of a request, at most 8 sectors */
} blk;

int blk_present(void) { return blk.present; }

void blk_init(uint32_t base, uint32_t irq) {
  uint8_t *page = page_alloc_zero();
  uint8_t *bounce = page_alloc_zero();
  if (!page || !bounce || virtio_start(base, VIRTIO_ID_BLOCK, BLK_F_RO | BLK_F_FLUSH, &blk.queue, 1) < 0) {
    kprintf("virtio-blk at 0x%08x: cannot start\n", base);
    return;
  }
  blk.base = base;
  blk.irq = irq;
  blk.header = (struct blk_header *)page;
  blk.status = page + sizeof(struct blk_header);
  blk.bounce = bounce;
  uint32_t high = virtio_config32(base, 4);
  blk.sectors = high ? 0xffffffffu : virtio_config32(base, 0);
  blk.present = 1;
  arch_irq_enable(irq);
  kprintf("virtio-blk at 0x%08x irq %u: %u sectors\n", base, irq, blk.sectors);
}

void blk_interrupt(uint32_t irq) {
  if (!blk.present || irq != blk.irq) return;
  virtio_ack(blk.base);
  proc_wakeup(&blk);
}

/* Runs one request with `len` bytes of data at the bounce page (read into it for BLK_T_IN,
 * GET_ID). Returns the status byte (0 OK, 1 I/O error, 2 unsupported), or -1 if the device
 * failed. */
static int request(uint32_t type, uint32_t sector, uint32_t len) {
  blk.header->type = type;
  blk.header->reserved = 0;
  blk.header->sector_low = sector;
  blk.header->sector_high = 0;
  *blk.status = 0xff;
  int writable = type == BLK_T_IN || type == BLK_T_GET_ID;
  struct vbuf bufs[3] = {{blk.header, sizeof *blk.header, 0}, {blk.bounce, len, writable}, {0, 0, 0}};
  int n = 1;
  if (len) n++;
  bufs[n++] = (struct vbuf){blk.status, 1, 1};
  virtq_submit(&blk.queue, bufs, n);
  /* The kernel runs with interrupts masked: the device's interrupt cannot come between the
   * check and the sleep; it is taken in the idle loop and wakes us. */
  while (!virtq_take(&blk.queue, NULL, NULL)) {
    if (virtio_broken(blk.base)) return -1;
    proc_sleep_on(&blk);
  }
  return *blk.status;
}

/* A program on the disk (`run=disk`): sector 0 holds "TRPZPROG" and the ELF's size in bytes
 * (little-endian), the ELF follows from sector 1. Read into a kernel buffer, in the calling
 * process's context (the requests sleep). NULL when there is no disk or no program on it. */
#define DISK_PROGRAM_MAX (64u * 1024u)
static uint8_t disk_elf[DISK_PROGRAM_MAX];
static struct program disk_prog = {"disk", disk_elf, 0};

const struct program *blk_program(void) {
  if (!blk.present || request(BLK_T_IN, 0, SECTOR) != 0) return NULL;
  uint32_t size;
  memcpy(&size, blk.bounce + 8, sizeof size);
  if (memcmp(blk.bounce, "TRPZPROG", 8) != 0 || size == 0 || size > DISK_PROGRAM_MAX) return NULL;
  for (uint32_t done = 0; done < size; done += PAGE_SIZE) {
    uint32_t len = size - done < PAGE_SIZE ? (size - done + SECTOR - 1) & ~(SECTOR - 1) : PAGE_SIZE;
    if (request(BLK_T_IN, 1 + done / SECTOR, len) != 0) return NULL;
    memcpy(disk_elf + done, blk.bounce, size - done < len ? size - done : len);
  }
  disk_prog.size = size;
  return &disk_prog;
}

int sys_blk(uint32_t op, uint32_t sector, uint32_t ubuf, uint32_t count) {
  if (!blk.present) return -1;
  switch (op) {
    case BLK_INFO:
      return (int)(blk.sectors > 0x7fffffffu ? 0x7fffffffu : blk.sectors);
    case BLK_READ:
    case BLK_WRITE: {
      if (count == 0 || count > PAGE_SIZE / SECTOR) return -1;
      uint32_t len = count * SECTOR;
      if (vm_user_ok(cur, ubuf, len, op == BLK_READ) < 0) return -1;
      if (op == BLK_WRITE) copyin(cur, blk.bounce, ubuf, len);
      int status = request(op == BLK_READ ? BLK_T_IN : BLK_T_OUT, sector, len);
      if (status == 0 && op == BLK_READ) copyout(cur, ubuf, blk.bounce, len);
      return status == 0 ? 0 : -1;
    }
    case BLK_FLUSH:
      return request(BLK_T_FLUSH, 0, 0) == 0 ? 0 : -1;
    case BLK_ID: {
      if (vm_user_ok(cur, ubuf, 20, 1) < 0) return -1;
      memset(blk.bounce, 0, 20);
      int status = request(BLK_T_GET_ID, 0, 20);
      if (status == 0) copyout(cur, ubuf, blk.bounce, 20);
      return status == 0 ? 0 : -1;
    }
    default:
      return -1;
  }
}
