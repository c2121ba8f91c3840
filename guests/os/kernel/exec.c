/* Loading an embedded user program (a static RV32 ELF executable, see user/user.ld) into a
 * fresh address space. The build links every user program at USER_TEXT_BASE and embeds the ELF
 * files in the kernel image (generated programs.S: the `programs` table). */
#include "kernel.h"

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define EM_RISCV 243
#define ARG_MAX 256

struct elf32_ehdr {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version, entry, phoff, shoff, flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
  uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

const struct program *program_find(const char *name) {
  for (uint32_t i = 0; i < nprograms; i++)
    if (strcmp(programs[i].name, name) == 0) return &programs[i];
  if (strcmp(name, "disk") == 0) return blk_program(); /* a program handed over on the disk */
  return NULL;
}

/* Map one PT_LOAD segment page by page: fresh zeroed pages, file bytes copied in, permissions
 * from the segment flags. Segments must not share pages (user.ld page-aligns them). */
static int load_segment(struct proc *p, const struct program *prog, const struct elf32_phdr *ph) {
  uint32_t flags = PTE_U;
  if (ph->flags & PF_R) flags |= PTE_R;
  if (ph->flags & PF_W) flags |= PTE_R | PTE_W;
  if (ph->flags & PF_X) flags |= PTE_X;
  if (ph->offset > prog->size || ph->filesz > prog->size - ph->offset || ph->filesz > ph->memsz)
    return -1;
  for (uint32_t va = ph->vaddr & ~(PAGE_SIZE - 1); va < ph->vaddr + ph->memsz; va += PAGE_SIZE) {
    uint8_t *page = page_alloc_zero();
    if (!page) return -1;
    /* the part of [vaddr, vaddr + filesz) that falls in this page */
    uint32_t lo = va > ph->vaddr ? va : ph->vaddr;
    uint32_t hi = va + PAGE_SIZE < ph->vaddr + ph->filesz ? va + PAGE_SIZE : ph->vaddr + ph->filesz;
    if (lo < hi) memcpy(page + (lo - va), prog->elf + ph->offset + (lo - ph->vaddr), hi - lo);
    if (vm_map(p->pgdir, va, (uint32_t)page, flags) < 0) {
      page_free(page);
      return -1;
    }
  }
  return 0;
}

int exec_load(struct proc *p, const struct program *prog, const char *arg) {
  const struct elf32_ehdr *eh = (const void *)prog->elf;
  if (prog->size < sizeof *eh || memcmp(eh->ident, "\177ELF\1\1", 6) != 0 || eh->type != 2 ||
      eh->machine != EM_RISCV || eh->phentsize != sizeof(struct elf32_phdr))
    return -1;
  uint32_t end = USER_TEXT_BASE;
  for (uint32_t i = 0; i < eh->phnum; i++) {
    const struct elf32_phdr *ph = (const void *)(prog->elf + eh->phoff + i * sizeof *ph);
    if (ph->type != PT_LOAD || ph->memsz == 0) continue;
    if (ph->vaddr < USER_TEXT_BASE || ph->vaddr >= USER_HEAP_LIMIT ||
        ph->memsz > USER_HEAP_LIMIT - ph->vaddr || (ph->vaddr & (PAGE_SIZE - 1)))
      return -1;
    if (load_segment(p, prog, ph) < 0) return -1;
    if (ph->vaddr + ph->memsz > end) end = ph->vaddr + ph->memsz;
  }
  p->heap_base = p->brk = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

  /* The first stack page holds the argument string; a0 points at it, sp just below. */
  uint8_t *stack = page_alloc_zero();
  if (!stack) return -1;
  if (vm_map(p->pgdir, USER_STACK_TOP - PAGE_SIZE, (uint32_t)stack, PTE_U | PTE_R | PTE_W) < 0) {
    page_free(stack);
    return -1;
  }
  if (!arg) arg = "";
  uint32_t len = strlen(arg) + 1;
  if (len > ARG_MAX) len = ARG_MAX;
  uint32_t uarg = USER_STACK_TOP - ((len + 15) & ~15u);
  memcpy(stack + (uarg - (USER_STACK_TOP - PAGE_SIZE)), arg, len - 1);
  memset(p->tf, 0, sizeof *p->tf);
  p->tf->pc = eh->entry;
  p->tf->x[REG_SP] = uarg;
  p->tf->x[REG_A0] = uarg;
  return 0;
}
