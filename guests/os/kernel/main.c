/* Boot: read the device tree, set up memory and paging, start init. */
#include "kernel.h"

extern char _end[]; /* end of the kernel image, bss included (kernel.ld) */
char bootargs[256];

__attribute__((noreturn)) void panic(const char *fmt, ...) {
  char buf[200];
  va_list ap;
  va_start(ap, fmt);
  fmt_vsnprint(buf, sizeof buf, fmt, ap);
  va_end(ap);
  kprintf("panic: %s\n", buf);
  arch_shutdown(1);
}

/* Whether the command line has the space-separated word `word`. */
static int has_word(const char *args, const char *word) {
  size_t n = strlen(word);
  for (const char *p = args; *p;) {
    while (*p == ' ') p++;
    const char *tok = p;
    while (*p && *p != ' ') p++;
    if ((size_t)(p - tok) == n && strncmp(tok, word, n) == 0) return 1;
  }
  return 0;
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
  struct fdt_info dt;
  if (fdt_read(dtb, RAM_BASE, &dt) < 0) kprintf("warning: no device tree at 0x%08x\n", dtb);
  uint32_t ram_base = (uint32_t)dt.ram_base, ram_end = (uint32_t)dt.ram_end;
  if (!dt.ram_end) { /* no memory node: assume the virt default, 128 MiB */
    ram_base = RAM_BASE;
    ram_end = RAM_BASE + (128u << 20);
  }
  /* /chosen/bootargs, NUL-terminated even if the tree's copy is not. */
  size_t n = dt.bootargs_len < sizeof bootargs ? dt.bootargs_len : sizeof bootargs - 1;
  if (dt.bootargs) memcpy(bootargs, dt.bootargs, n);
  bootargs[n] = 0;
  /* Allocate from the end of the kernel up to the device tree (QEMU puts it near the top of
   * RAM), so it is never overwritten. */
  uint32_t alloc_end = arch_memory_end(ram_end);
  if (dtb >= (uint32_t)_end && dtb < alloc_end) alloc_end = dtb & ~(PAGE_SIZE - 1);
  mm_init((uint32_t)_end, alloc_end);
  vm_init(ram_base, ram_end);

  kprintf("%s %s: RV32 Sv32, hart %u, RAM 0x%08x-0x%08x, %u free pages, %u ms slice\n", OS_NAME,
          OS_VERSION, hartid, ram_base, ram_end - 1, mm_free_pages(), SLICE_TICKS / TICKS_PER_MS);
  if (bootargs[0]) kprintf("bootargs: %s\n", bootargs);
  virtio_init(&dt);
  if (has_word(bootargs, "console=virtio")) vcons_activate();

  char run[256];
  find_run_list(bootargs, run, sizeof run);
  proc_init();
  if (proc_spawn("init", run, NULL) < 0) panic("cannot start init");
  scheduler();
}
