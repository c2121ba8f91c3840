/* Test program "faults" (not a workload): each bad access runs in a forked child, which the
 * kernel must kill with a message naming the cause, address and pc; the parent prints the exit
 * status. Then the non-fatal cases: bad pointers passed to system calls fail with -1, and an
 * illegal instruction goes to a registered handler and execution resumes after it. */
#include "ulib.h"

static volatile uint32_t sink, depth_limit = 0xffffffffu;
int main(void);

static uint32_t recurse(uint32_t n) {
  volatile uint8_t frame[1024];
  frame[0] = (uint8_t)n;
  if (n == depth_limit) return 0; /* never: the stack limit comes first */
  return recurse(n + 1) + frame[0];
}

static void bad(int which) {
  switch (which) {
    case 0: *(volatile uint32_t *)0 = 1; break;                  /* NULL store */
    case 1: sink = *(volatile uint32_t *)0x80200000u; break;     /* kernel memory */
    case 2: *(volatile uint32_t *)(uintptr_t)main = 0; break;    /* store to read-only text */
    case 3: { /* jump into the (non-executable) heap */
      uint32_t *heap = sbrk(4096);
      heap[0] = 0x00008067; /* ret */
      ((void (*)(void))heap)();
      break;
    }
    case 4: __asm__ volatile(".word 0xc0001073"); break;         /* unimp: illegal, no handler */
    case 5: __asm__ volatile("ebreak"); break;                    /* breakpoint, no handler */
    case 6: sink = recurse(0); break;                             /* stack overflow */
    case 7: { /* write to a page made read-only */
      uint32_t *page = sbrk(4096);
      page[0] = 1;
      protect(page, PROT_READ);
      sink = page[0];
      page[0] = 2;
      break;
    }
    case 8: { /* touch the heap after giving it back */
      uint8_t *p = sbrk(8192);
      p[4096] = 1;
      sbrk(-8192);
      sink = p[4096];
      break;
    }
    case 9: sink = *(volatile uint32_t *)0x10000000u; break;     /* the UART, kernel-only */
  }
}

static const char *const names[] = {"null store", "kernel load", "text store", "heap exec",
                                    "illegal instruction", "breakpoint", "stack overflow",
                                    "read-only store", "load after sbrk shrink", "mmio load"};

static volatile uint32_t handled_pc, handled_kind, handled_tval;
static void handler(int kind, uint32_t pc, uint32_t tval) {
  handled_kind = (uint32_t)kind;
  handled_pc = pc;
  handled_tval = tval;
}

int main(void) {
  for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
    int pid = fork();
    if (pid == 0) {
      bad(i);
      printf("faults: %s was not caught\n", names[i]);
      exit(0);
    }
    int status = 0;
    wait(&status);
    printf("faults: %s -> exit status %d\n", names[i], status);
  }
  printf("faults: write(kernel pointer) = %d\n", write(1, (void *)0x80200000u, 4));
  printf("faults: write(unmapped pointer) = %d\n", write(1, (void *)0x00400000u, 4));
  printf("faults: read(text as buffer) = %d\n", read(0, (void *)(uintptr_t)main, 4));
  printf("faults: protect(kernel page) = %d\n", protect((void *)0x80200000u, PROT_READ));
  sigtrap(handler);
  uint32_t before = 0;
  __asm__ volatile("auipc %0, 0\n\t.word 0xc0001073" : "=r"(before));
  printf("faults: illegal instruction handled: kind %u, pc %s, tval 0x%08x\n", handled_kind,
         handled_pc == before + 4 ? "ok" : "WRONG", handled_tval);
  return 0;
}
