/* User program entry: the kernel starts us with sp set and a0 = the argument string. */
  .section .text.start, "ax"
  .globl _start
_start:
  call main
  call exit          /* exit(main's return value) */
1:
  j 1b
