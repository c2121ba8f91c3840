/* Boot: read the device tree, set up memory and paging, start init. */
#include "kernel.h"

extern char _end[]; /* end of the kernel image, bss included (kernel.ld) */
char bootargs[256];
static struct bootinfo bi;

__attribute__((noreturn)) void panic(const char *fmt, ...) {
  char buf[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  kprintf("panic: %s\n", buf);
  arch_shutdown(1);
}

/* The value of the first `run=` token of the command line, or "" (start the shell). */
static void find_run_list(const char *args, char *out, size_t size) {
  out[0] = 0;
  for (const char *p = args; *p;) {
    while (*p == ' ') p++;
    const char *tok = p;
    while (*p && *p != ' ') p++;
    if (p - tok > 4 && strncmp(tok, "run=", 4) == 0) {
      size_t n = (size_t)(p - tok - 4);
      if (n >= size) n = size - 1;
      memcpy(out, tok + 4, n);
      out[n] = 0;
      return;
    }
  }
}

void kmain(uint32_t hartid, uint32_t dtb) {
  arch_init();
  if (fdt_parse(dtb, &bi) < 0) kprintf("warning: no device tree at 0x%08x\n", dtb);
  if (!bi.mem_size) { /* no memory node: assume the virt default, 128 MiB */
    bi.mem_base = RAM_BASE;
    bi.mem_size = 128u << 20;
  }
  uint32_t ram_end = bi.mem_base + bi.mem_size;
  /* Allocate from the end of the kernel up to the device tree (QEMU puts it near the top of
   * RAM), so it is never overwritten. */
  uint32_t alloc_end = ram_end;
  if (dtb >= (uint32_t)_end && dtb < alloc_end) alloc_end = dtb & ~(PAGE_SIZE - 1);
  mm_init((uint32_t)_end, alloc_end);
  vm_init(bi.mem_base, ram_end);

  kprintf("%s %s: RV32 Sv32, hart %u, RAM 0x%08x-0x%08x, %u free pages, %u ms slice\n", OS_NAME,
          OS_VERSION, hartid, bi.mem_base, ram_end - 1, mm_free_pages(), SLICE_TICKS / TICKS_PER_MS);
  if (bi.bootargs[0]) kprintf("bootargs: %s\n", bi.bootargs);
  strncpy0(bootargs, bi.bootargs, sizeof bootargs);

  char run[256];
  find_run_list(bootargs, run, sizeof run);
  proc_init();
  if (proc_spawn("init", run, NULL) < 0) panic("cannot start init");
  scheduler();
}
